"""``transaction="true"`` rollback and ``uniqueid`` idempotency, through the gateway."""

from __future__ import annotations

import httpx

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from tests.sandbox.envelope import Caller
from tests.sandbox.xmlbits import (
    children,
    column,
    count,
    create,
    delete,
    klass,
    obj,
    read_by_name,
    read_by_query,
    update,
    vendor,
)

ROLLED_BACK = (
    "XL03000009",
    "",
    "The entire transaction in this operation has been rolled back due to an error.",
    "",
)
MISSING_NAME = [
    ("BL01001973", "", "Required field NAME (Name) is missing.", "Provide a value for NAME."),
    ("BL01001973", "", "Could not create class record!", ""),
]
BAD_CLASS = obj("CLASS", CLASSID="BAD")


def _already(control_id: str) -> tuple[str, str, str, str]:
    return (
        "BL01001973",
        "",
        f"A successful transaction has already been recorded with the control id {control_id}",
        "Use a new function control ID, or set uniqueid to false to allow re-execution.",
    )


def _statuses(reply: object) -> list[str]:
    return [r.findtext("status") or "" for r in reply.results]  # type: ignore[attr-defined]


# --- transaction="true" --------------------------------------------------------------------


def test_transaction_rolls_back_with_aborted_and_failure(sandbox: Sandbox, caller: Caller) -> None:
    reply = caller.call(
        create(klass("C1")), create(BAD_CLASS), transaction=True, controlids=["func1", "func2"]
    )
    assert reply.control_status == "success"
    assert reply.auth_status == "success"
    assert _statuses(reply) == ["aborted", "failure"]
    assert [r.findtext("controlid") for r in reply.results] == ["func1", "func2"]
    assert reply.errors(0) == [ROLLED_BACK]
    assert reply.errors(1) == [*MISSING_NAME, ROLLED_BACK]
    assert count(sandbox, "CLASS") == 0


def test_functions_after_the_failure_are_aborted_and_not_run(
    sandbox: Sandbox, caller: Caller
) -> None:
    reply = caller.call(
        create(klass("C1")), create(BAD_CLASS), create(klass("C3")), transaction=True
    )
    assert _statuses(reply) == ["aborted", "failure", "aborted"]
    assert reply.errors(2) == [ROLLED_BACK]
    assert count(sandbox, "CLASS") == 0
    # The IDs were never stored, so they are free.
    caller.ok(create(klass("C1"), klass("C3")))


def test_rollback_restores_updates_and_deletes(sandbox: Sandbox, caller: Caller) -> None:
    data = caller.ok(create(klass("KEEP", "Original"), klass("GONE"))).data()
    gone = column(data, "class", "RECORDNO")[1]
    reply = caller.call(
        update(klass("KEEP", "Changed")),
        delete("CLASS", gone),
        create(vendor("V1")),
        create(BAD_CLASS),
        transaction=True,
    )
    assert _statuses(reply) == ["aborted", "aborted", "aborted", "failure"]
    rows = caller.ok(read_by_query("CLASS", fields="CLASSID,NAME")).data()
    assert [(r.findtext("CLASSID"), r.findtext("NAME")) for r in rows] == [
        ("KEEP", "Original"),
        ("GONE", "Class GONE"),
    ]
    assert count(sandbox, "VENDOR") == 0
    assert count(sandbox, "CONTACT") == 0  # the vendor's display contact went too
    # The restored record is fully usable (its ID index was restored too).
    caller.ok(update(klass("GONE", "Still here")))


def test_rollback_of_a_multi_key_delete_keeps_creation_order(
    sandbox: Sandbox, caller: Caller
) -> None:
    sandbox.admin.seed(
        "DEMO-MFG", "CLASS", [{"CLASSID": f"C{i:03d}", "NAME": f"n{i}"} for i in range(300)]
    )
    numbers = column(
        caller.ok(read_by_query("CLASS", fields="RECORDNO", pagesize=1000)).data(),
        "class",
        "RECORDNO",
    )
    keys = ",".join(numbers[::7])
    reply = caller.call(delete("CLASS", keys), create(BAD_CLASS), transaction=True)
    assert _statuses(reply) == ["aborted", "failure"]
    after = caller.ok(read_by_query("CLASS", fields="CLASSID", pagesize=1000)).data()
    assert column(after, "class", "CLASSID") == [f"C{i:03d}" for i in range(300)]
    # A multi-key delete that fails on its own is rolled back the same way.
    reply = caller.call(delete("CLASS", f"{keys},999999"))
    assert reply.errors()[0][2] == "Cannot find class with key '999999' to delete."
    after = caller.ok(read_by_query("CLASS", fields="CLASSID", pagesize=1000)).data()
    assert column(after, "class", "CLASSID") == [f"C{i:03d}" for i in range(300)]


def test_transaction_that_succeeds_commits_everything(sandbox: Sandbox, caller: Caller) -> None:
    reply = caller.ok(create(klass("C1")), create(klass("C2")), transaction=True)
    assert _statuses(reply) == ["success", "success"]
    assert count(sandbox, "CLASS") == 2


def test_a_later_function_sees_earlier_writes_of_the_same_transaction(caller: Caller) -> None:
    caller.ok(
        create(klass("P1")),
        create(klass("K1", PARENTID="P1")),
        read_by_name("CLASS", "P1"),
        transaction=True,
    )


def test_without_transaction_functions_succeed_or_fail_alone(
    sandbox: Sandbox, caller: Caller
) -> None:
    for transaction in (None, False):
        reply = caller.call(
            create(klass(f"A{transaction}")), create(BAD_CLASS), transaction=transaction
        )
        assert _statuses(reply) == ["success", "failure"]
        assert reply.errors(1) == MISSING_NAME  # no XL03000009
    assert count(sandbox, "CLASS") == 2


def test_failed_create_in_a_transaction_still_carries_empty_data(caller: Caller) -> None:
    reply = caller.call(create(klass("C1")), create(BAD_CLASS), transaction=True)
    failed = reply.result(1)
    assert children(failed) == ["status", "function", "controlid", "data", "errormessage"]
    assert dict(failed.find("data").attrib) == {"listtype": "objects", "count": "0"}  # type: ignore[union-attr]


# --- uniqueid ------------------------------------------------------------------------------


def test_uniqueid_refuses_a_control_id_that_already_succeeded(
    sandbox: Sandbox, caller: Caller
) -> None:
    caller.ok(create(klass("C1")), uniqueid=True, controlids=["create-C1"])
    reply = caller.call(create(klass("C2")), uniqueid=True, controlids=["create-C1"])
    assert reply.control_status == "success"
    assert reply.root.findtext("control/uniqueid") == "true"
    assert _statuses(reply) == ["failure"]
    assert reply.errors() == [_already("create-C1")]
    assert count(sandbox, "CLASS") == 1
    assert caller.call(read_by_name("CLASS", "C2")).data().get("count") == "0"


def test_uniqueid_refuses_a_repeat_of_the_same_request(sandbox: Sandbox, caller: Caller) -> None:
    body = create(vendor("V1"))
    caller.ok(body, uniqueid=True, controlids=["vendor-V1"])
    reply = caller.call(body, uniqueid=True, controlids=["vendor-V1"])
    assert reply.errors() == [_already("vendor-V1")]  # not a duplicate-ID error: nothing ran
    assert count(sandbox, "VENDOR") == 1
    assert count(sandbox, "CONTACT") == 1


def test_uniqueid_false_runs_the_function_again(sandbox: Sandbox, caller: Caller) -> None:
    caller.ok(create(klass("C1")), uniqueid=True, controlids=["same"])
    reply = caller.call(create(klass("C1")), uniqueid=False, controlids=["same"])
    # It ran, so the class is a duplicate now.
    assert reply.errors()[0][:3] == (
        "BL34000061",
        "",
        "Another Class with the given value(s) C1  already exists",
    )
    caller.ok(create(klass("C2")), uniqueid=False, controlids=["same"])
    caller.ok(create(klass("C3")), uniqueid=False, controlids=["same"])
    assert count(sandbox, "CLASS") == 3


def test_a_failed_control_id_can_be_retried(sandbox: Sandbox, caller: Caller) -> None:
    reply = caller.call(create(BAD_CLASS), uniqueid=True, controlids=["retry-me"])
    assert reply.errors() == MISSING_NAME
    caller.ok(create(klass("BAD")), uniqueid=True, controlids=["retry-me"])
    assert count(sandbox, "CLASS") == 1
    assert caller.call(create(klass("X")), uniqueid=True, controlids=["retry-me"]).errors() == [
        _already("retry-me")
    ]


def test_control_ids_of_a_rolled_back_transaction_can_be_retried(
    sandbox: Sandbox, caller: Caller
) -> None:
    reply = caller.call(
        create(klass("C1")),
        create(BAD_CLASS),
        transaction=True,
        uniqueid=True,
        controlids=["t1", "t2"],
    )
    assert _statuses(reply) == ["aborted", "failure"]
    reply = caller.ok(
        create(klass("C1")),
        create(klass("BAD")),
        transaction=True,
        uniqueid=True,
        controlids=["t1", "t2"],
    )
    assert count(sandbox, "CLASS") == 2


def test_a_repeat_inside_a_transaction_rolls_it_back(sandbox: Sandbox, caller: Caller) -> None:
    caller.ok(create(klass("C1")), uniqueid=True, controlids=["once"])
    reply = caller.call(
        create(klass("C2")),
        create(klass("C3")),
        transaction=True,
        uniqueid=True,
        controlids=["fresh", "once"],
    )
    assert _statuses(reply) == ["aborted", "failure"]
    assert reply.errors(1) == [_already("once"), ROLLED_BACK]
    assert count(sandbox, "CLASS") == 1


def test_the_same_control_id_twice_in_one_request(sandbox: Sandbox, caller: Caller) -> None:
    reply = caller.call(
        create(klass("C1")), create(klass("C2")), uniqueid=True, controlids=["dup", "dup"]
    )
    assert _statuses(reply) == ["success", "failure"]
    assert reply.errors(1) == [_already("dup")]
    assert count(sandbox, "CLASS") == 1


def test_reads_are_not_remembered(caller: Caller) -> None:
    for _ in range(2):
        caller.ok(read_by_query("CLASS"), uniqueid=True, controlids=["read-1"])
    # A read's control ID does not block a later write with the same ID.
    caller.ok(create(klass("C1")), uniqueid=True, controlids=["read-1"])


def test_uniqueid_applies_to_updates_deletes_and_legacy_functions(
    sandbox: Sandbox, caller: Caller
) -> None:
    data = caller.ok(create(klass("C1"), klass("C2"))).data()
    first = column(data, "class", "RECORDNO")[0]
    caller.ok(update(klass("C2", "Once")), uniqueid=True, controlids=["u"])
    assert caller.call(update(klass("C2", "Twice")), uniqueid=True, controlids=["u"]).errors() == [
        _already("u")
    ]
    caller.ok(delete("CLASS", first), uniqueid=True, controlids=["d"])
    assert caller.call(delete("CLASS", "1"), uniqueid=True, controlids=["d"]).errors() == [
        _already("d")
    ]
    caller.ok("<create_apterm><name>N30</name></create_apterm>", uniqueid=True, controlids=["t"])
    reply = caller.call(
        "<create_apterm><name>N60</name></create_apterm>", uniqueid=True, controlids=["t"]
    )
    assert reply.errors() == [_already("t")]
    assert count(sandbox, "APTERM") == 1


def test_uniqueid_memory_is_per_company(sandbox: Sandbox, caller: Caller) -> None:
    other = QuickstartCredentials(company_id="OTHER-CO", user_id="other_api")
    sandbox.admin.create_company(other.company_id)
    sandbox.admin.add_user(other.company_id, other.user_id, other.user_password)
    sandbox.admin.authorize_sender(other.company_id, other.sender_id)
    other_caller = Caller(httpx.Client(transport=sandbox.transport()), sandbox.endpoint, other)
    caller.ok(create(klass("C1")), uniqueid=True, controlids=["shared-id"])
    other_caller.ok(create(klass("C1")), uniqueid=True, controlids=["shared-id"])
    assert count(sandbox, "CLASS", other.company_id) == 1
