"""The seed guide's words: Intacct menu paths and instructions, quoted where we tell a
person what to do in Intacct (``../shared/seed/sage-intacct-integration-guide.txt``).

DMO's own screens (Options management, Configuration page, Custom package tab) become
``intacct-bridge`` commands; the Intacct screens keep Intacct's names.
"""

from __future__ import annotations

#: "To create a web services user"
WS_USERS = "Company > Admin > Users, roles & groups > Web Services users"
#: "Authorize Sage Distribution and Manufacturing Operations"
SECURITY = "Company > Admin > Setup > Security"
#: "Add the custom package to Sage Intacct"
CUSTOM_PACKAGES = "Platform services > Custom packages > Import Customization Package"
#: FAQ "How can one find the company ID"
COMPANY_INFO = "hover over Company > Company Info: the Company ID is the ID field"


def authorize_sender(sender_id: str) -> str:
    return (
        f"In Sage Intacct, open {SECURITY}: click Edit, scroll down to the Web Services "
        f"authorization section, enter the Sender ID: {sender_id}, and select Save."
    )


def user_tab(user_id: str, tab: str, setting: str) -> str:
    return (
        f"In Sage Intacct, open {WS_USERS}, edit user {user_id}; on the {tab} tab: {setting}; "
        "then save and exit."
    )


ACTIVE = "Status: select Active"
TOP_LEVEL = "select the checkbox to enable access to the top level"
ADMIN_FULL = "Admin privileges: select Full"
USER_TYPE = "User type: select Business"
ROLE_ADMIN = "in the Role Name table, select Admin on the first line"

CREATE_USER = (
    f"In Sage Intacct, open {WS_USERS} and select Add. User information tab: a user ID, last "
    "name, first name and email address; User type: Business; Admin privileges: Full; "
    "Status: Active. Roles information tab: Admin on the first line. User entities tab: "
    "select the checkbox to enable access to the top level. Save and exit."
)

IMPORT_PACKAGE = (
    f"In Sage Intacct, go to {CUSTOM_PACKAGES}, select the custom package file "
    "(intacct-bridge package export writes it), and import the file."
)

ACTIVATE_OPTION = (
    "Activate the Sage Intacct integration option (Options management > Finance "
    "integrations: turn the Activate switch to On): intacct-bridge config set --option-active"
)

BUSINESS_ENTITIES = (
    "Create a company and a financial site with the same Entity ID as in Sage Intacct "
    "(there is no 1-to-1 correlation, so they are created by hand): import a company and a "
    "financial site with intacct_entity_id set (intacct-bridge import FILE)."
)
