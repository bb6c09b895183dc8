"""The corp's address book (通讯录) a test loads: departments in a tree, members in departments."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from standins.wecom.errors import DEPARTMENT_NOT_FOUND, INVALID_PARAMETER, ApiError


@dataclass(frozen=True)
class Department:
    """One department; the root has ``parentid`` 0 and is usually id 1, as in WeCom."""

    id: int
    name: str
    parentid: int = 0
    order: int = 0
    name_en: str = ""
    leaders: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The department as department/list returns it."""
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "department_leader": list(self.leaders),
            "parentid": self.parentid,
            "order": self.order,
        }


@dataclass(frozen=True)
class Member:
    """One member (成员); `status` 1 is active, 2 disabled, 4 not yet joined, 5 left, as in WeCom."""

    userid: str
    name: str
    department: tuple[int, ...] = (1,)
    position: str = ""
    mobile: str = ""
    email: str = ""
    status: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The member as user/list returns it."""
        return {
            "userid": self.userid,
            "name": self.name,
            "department": list(self.department),
            "order": [0] * len(self.department),
            "position": self.position,
            "mobile": self.mobile,
            "email": self.email,
            "status": self.status,
            **self.extra,
        }


class Directory:
    """Departments and members; empty until a test calls `load`."""

    def __init__(self) -> None:
        self._departments: dict[int, Department] = {}
        self._members: dict[str, Member] = {}

    def load(self, departments: Iterable[Department], members: Iterable[Member]) -> None:
        """Replace the whole address book."""
        self._departments = {d.id: d for d in departments}
        self._members = {m.userid: m for m in members}

    @property
    def is_loaded(self) -> bool:
        """Whether any member was loaded (an empty book accepts every userid, for quick tests)."""
        return bool(self._members)

    def has_member(self, userid: str) -> bool:
        """Whether `userid` is in the book."""
        return userid in self._members

    def has_department(self, department_id: int) -> bool:
        """Whether the department exists."""
        return department_id in self._departments

    def all_userids(self) -> list[str]:
        """Every member's userid, in load order (what ``@all`` reaches)."""
        return list(self._members)

    def subtree(self, department_id: int) -> list[int]:
        """The department and all departments below it, depth first; 60003 when it does not exist."""
        if department_id not in self._departments:
            raise ApiError(DEPARTMENT_NOT_FOUND, f"department not found: {department_id}")
        found = [department_id]
        for child in sorted(self._departments.values(), key=lambda d: (d.order, d.id)):
            if child.parentid == department_id and child.id != department_id:
                found.extend(self.subtree(child.id))
        return found

    def department_list(self, department_id: str | None) -> list[dict[str, Any]]:
        """department/list: everything, or one department with its descendants."""
        if not department_id:
            return [d.to_json() for d in self._departments.values()]
        return [self._departments[i].to_json() for i in self.subtree(parse_id(department_id))]

    def members_of(self, department_ids: Iterable[int], *, recursive: bool) -> list[Member]:
        """Members in the departments (and below them when `recursive`), each once, in load order."""
        wanted: set[int] = set()
        for department_id in department_ids:
            wanted.update(self.subtree(department_id) if recursive else [self.subtree(department_id)[0]])
        return [m for m in self._members.values() if wanted.intersection(m.department)]

    def user_list(self, department_id: str | None, fetch_child: str | None) -> list[dict[str, Any]]:
        """user/list: the members of a department, and of its sub-departments when fetch_child=1."""
        if not department_id:
            raise ApiError(DEPARTMENT_NOT_FOUND, "department_id missing")
        members = self.members_of([parse_id(department_id)], recursive=fetch_child == "1")
        return [m.to_json() for m in members]


def parse_id(text: str) -> int:
    """A department id from a query parameter; 40058 when it is not a number."""
    if not text.isdigit():
        raise ApiError(INVALID_PARAMETER, f"invalid department id: {text}")
    return int(text)
