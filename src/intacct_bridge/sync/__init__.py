"""The sync engine: mappings, per-record state, outbound flows and the embedded worker.

* :mod:`.mappings` — the mapping page as data (delivered maps, tenant overrides);
* :mod:`.state` — per-record sync state, the outbox consumer, the actions and counts;
* :mod:`.connect` — an :class:`~intacct_bridge.intacct.IntacctClient` for a tenant, from its
  stored configuration and encrypted secrets;
* :mod:`.outbound` — items, customers, suppliers and contacts sent to Intacct;
* :mod:`.inspect` — mapped fields the Intacct company does not have;
* :mod:`.worker` — the job interface (enqueue, run until idle) and the embedded worker.
"""
