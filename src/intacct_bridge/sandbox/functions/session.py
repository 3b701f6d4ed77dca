"""getAPISession."""

from __future__ import annotations

from lxml import etree

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions import Outcome, register
from intacct_bridge.sandbox.functions.common import child
from intacct_bridge.sandbox.tenancy import check_entity_access


@register("getAPISession")
def get_api_session(ctx: Context, element: etree._Element) -> Outcome:
    """Open a session at top level or, with ``<locationid>``, in one entity.

    ``<locationid/>`` (empty) from an entity session gives a top-level session; no
    ``<locationid>`` keeps the caller's current level.
    """
    backend = ctx.backend
    location_el = child(element, "locationid")
    location = ctx.location_id if location_el is None else (location_el.text or "").strip()
    if location:
        try:
            check_entity_access(ctx.company, ctx.user, location)
        except errors.AuthenticationError as exc:
            raise errors.FunctionError(*exc.details) from None
    elif ctx.company.mega and not ctx.user.top_level_access:
        raise errors.FunctionError(*errors.no_top_level_access(ctx.user.user_id).details)
    current = backend.live_session(ctx.session_id) if ctx.session_id else None
    if current is not None and current.location_id == location:
        session = current
    else:
        session = backend.open_session(ctx.company, ctx.user.user_id, location)
    data = etree.Element("data")
    api = etree.SubElement(data, "api")
    etree.SubElement(api, "sessionid").text = session.session_id
    etree.SubElement(api, "endpoint").text = ctx.endpoint
    etree.SubElement(api, "locationid").text = location
    return Outcome(data=data)
