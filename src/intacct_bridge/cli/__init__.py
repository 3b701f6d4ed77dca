"""The ``intacct-bridge`` command line."""
