"""The customer archive service: create, duplicates, audited edits, lookups and who sees what."""

from __future__ import annotations

from datetime import date

import pytest

from services.records import customers
from services.records.customers import DuplicateCustomer
from tests.services.test_records_support import World, add_customer, audit_rows, customer_in
from tests.services.test_records_support import world as world


def test_create_derives_the_warranty_end_and_audits(world: World) -> None:
    card = add_customer(world, world.sh_sales)
    assert (card.office_name, card.warranty_end) == ("上海办事处", date(2027, 3, 1))
    assert card.products == {"枪柜": 4, "弹柜": 2}
    [entry] = audit_rows(world, entity="customer", action="create")
    assert (entry["actor_id"], entry["detail"]["after"]["name"]) == (world.sh_sales.id, "某市公安局")


def test_a_name_is_unique_within_an_office_only(world: World) -> None:
    first = add_customer(world, world.sh_sales)
    with pytest.raises(DuplicateCustomer) as caught:
        add_customer(world, world.sh_head)
    assert caught.value.existing.id == first.id
    other = add_customer(world, world.ur_sales)
    assert other.office_id == world.ur_id


def test_find_duplicate_ignores_the_customer_being_edited(world: World) -> None:
    card = add_customer(world, world.sh_sales)
    found = customers.find_duplicate(world.uow(), viewer=world.sh_sales, name=" 某市公安局 ")
    assert found is not None and found.id == card.id
    assert customers.find_duplicate(world.uow(), viewer=world.sh_sales, name="某市公安局", exclude_id=card.id) is None
    assert customers.find_duplicate(world.uow(), viewer=world.ur_sales, name="某市公安局") is None


def test_an_edit_records_before_and_after_of_the_changed_fields(world: World) -> None:
    card = add_customer(world, world.sh_sales)
    world.clock.advance(days=1)
    updated = customers.update(world.uow(), viewer=world.sh_head, customer_id=card.id,
                               data=customer_in(phone="021-66667777", warranty_years=3), now=world.clock())
    assert updated is not None and updated.warranty_end == date(2028, 3, 1)
    [entry] = audit_rows(world, entity="customer", action="update")
    assert entry["actor_id"] == world.sh_head.id
    assert entry["detail"] == {"before": {"phone": "13812345678", "warranty_years": 2},
                            "after": {"phone": "021-66667777", "warranty_years": 3}}


def test_renaming_onto_another_customer_is_refused(world: World) -> None:
    add_customer(world, world.sh_sales, "甲单位")
    second = add_customer(world, world.sh_sales, "乙单位")
    with pytest.raises(DuplicateCustomer):
        customers.update(world.uow(), viewer=world.sh_sales, customer_id=second.id, data=customer_in("甲单位"),
                         now=world.clock())
    unchanged = customers.get(world.uow(), viewer=world.sh_sales, customer_id=second.id)
    assert unchanged is not None and unchanged.name == "乙单位"
    assert audit_rows(world, entity="customer", action="update") == []


def test_other_offices_cannot_read_search_or_edit(world: World) -> None:
    card = add_customer(world, world.sh_sales)
    uow = world.uow
    assert customers.get(uow(), viewer=world.ur_head, customer_id=card.id) is None
    assert customers.label(uow(), viewer=world.ur_sales, customer_id=card.id) is None
    assert customers.search(uow(), viewer=world.ur_head, query="公安") == []
    assert customers.update(uow(), viewer=world.ur_head, customer_id=card.id, data=customer_in("改名"),
                            now=world.clock()) is None
    assert customers.get(uow(), viewer=world.sh_sales, customer_id=card.id) is not None


def test_headquarters_see_every_office_with_its_name(world: World) -> None:
    add_customer(world, world.sh_sales)
    add_customer(world, world.ur_sales)
    labels = [label for _id, label in customers.search(world.uow(), viewer=world.gm, query="公安")]
    assert sorted(labels) == ["某市公安局（上海办事处）", "某市公安局（乌鲁木齐办事处）"]


def test_search_matches_part_of_a_name_and_ranks_exact_first(world: World) -> None:
    add_customer(world, world.sh_sales, "某市公安局特警支队")
    add_customer(world, world.sh_sales, "某市公安局")
    add_customer(world, world.sh_sales, "100%_实业")
    hits = customers.search(world.uow(), viewer=world.sh_sales, query="某市公安局")
    assert [label for _id, label in hits] == ["某市公安局", "某市公安局特警支队"]
    assert [label for _id, label in customers.search(world.uow(), viewer=world.sh_sales, query="%_")] == ["100%_实业"]
