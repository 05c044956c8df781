"""What PINs a lock accepts: its code lengths and its `code_constraints`."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from fake_seam import messages as msgs

PIN_CONSTRAINTS = frozenset(
    {
        "no_zeros",
        "cannot_start_with_12",
        "no_triple_consecutive_ints",
        "cannot_specify_pin_code",
        "pin_code_matches_existing_set",
        "start_date_in_future",
        "no_ascending_or_descending_sequence",
        "at_least_three_unique_digits",
        "cannot_contain_089",
        "cannot_contain_0789",
        "unique_first_four_digits",
        "no_all_same_digits",
    }
)
NAME_CONSTRAINTS = frozenset({"name_length", "name_must_be_unique"})


NO_KINDS: frozenset[str] = frozenset()


class PinRejected(ValueError):
    """The lock would refuse this PIN; the message says why, in words a user can act on."""


def _has_run(pin: str, length: int, step: int) -> bool:
    digits = [int(c) for c in pin]
    run = 1
    for prev, cur in zip(digits, digits[1:], strict=False):
        run = run + 1 if cur - prev == step else 1
        if run >= length:
            return True
    return False


class PinsInUse(Protocol):
    """The PINs other codes use: a set, or an index answering one PIN at a time."""

    def __contains__(self, pin: object, /) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...


@dataclass
class CodeRules:
    supported_code_lengths: list[int] = field(default_factory=lambda: [4, 5, 6, 7, 8])
    code_constraints: list[dict[str, Any]] = field(default_factory=list)

    def kinds(self) -> frozenset[str]:
        if not self.code_constraints:  # most locks: asked at every PIN check, nothing built
            return NO_KINDS
        return frozenset([c["constraint_type"] for c in self.code_constraints])

    @property
    def allows_custom_pin(self) -> bool:
        # Asked at every create with a PIN: no set of kinds built for one look.
        return not any(c["constraint_type"] == "cannot_specify_pin_code" for c in self.code_constraints)

    def check_pin(self, pin: str, taken: Iterable[str] = frozenset()) -> None:
        """Raise PinRejected naming the first rule the PIN breaks."""
        if not pin.isdigit():
            raise PinRejected(msgs.PIN_DIGITS_ONLY)
        if len(pin) not in self.supported_code_lengths:
            lengths = " or ".join(str(n) for n in sorted(self.supported_code_lengths))
            raise PinRejected(msgs.pin_length(lengths, len(pin)))
        kinds = self.kinds()
        if "no_zeros" in kinds and "0" in pin:
            raise PinRejected(msgs.PIN_NO_ZEROS)
        if "cannot_start_with_12" in kinds and pin.startswith("12"):
            raise PinRejected(msgs.PIN_STARTS_WITH_12)
        if "no_triple_consecutive_ints" in kinds and any(
            pin[i] == pin[i + 1] == pin[i + 2] for i in range(len(pin) - 2)
        ):
            raise PinRejected(msgs.PIN_TRIPLE_DIGIT)
        if "no_ascending_or_descending_sequence" in kinds and (
            _has_run(pin, len(pin), 1) or _has_run(pin, len(pin), -1)
        ):
            raise PinRejected(msgs.PIN_SEQUENCE)
        if "at_least_three_unique_digits" in kinds and len(set(pin)) < 3:
            raise PinRejected(msgs.PIN_THREE_UNIQUE_DIGITS)
        if "cannot_contain_089" in kinds and any(d in pin for d in "089"):
            raise PinRejected(msgs.PIN_CONTAINS_089)
        if "cannot_contain_0789" in kinds and any(d in pin for d in "0789"):
            raise PinRejected(msgs.PIN_CONTAINS_0789)
        if "no_all_same_digits" in kinds and len(set(pin)) == 1:
            raise PinRejected(msgs.PIN_ALL_SAME_DIGITS)
        if "unique_first_four_digits" in kinds and any(t[:4] == pin[:4] for t in taken if t != pin):
            raise PinRejected(msgs.PIN_FIRST_FOUR_DIGITS)

    def check_name(self, name: str | None, taken_names: set[str]) -> None:
        for constraint in self.code_constraints:
            kind = constraint["constraint_type"]
            if kind == "name_length" and name is not None:
                low = constraint.get("min_length")
                high = constraint.get("max_length")
                if low is not None and len(name) < low:
                    raise PinRejected(msgs.name_too_short(int(low)))
                if high is not None and len(name) > high:
                    raise PinRejected(msgs.name_too_long(int(high)))
            if kind == "name_must_be_unique" and name is not None and name in taken_names:
                raise PinRejected(msgs.NAME_NOT_UNIQUE)

    def generate(self, rng: random.Random, taken: PinsInUse, length: int | None = None) -> str:
        """A PIN this lock accepts and that no other code on it uses."""
        lengths = [length] if length else sorted(self.supported_code_lengths)
        # Prefer the lock's most common length (4 digits on most keypads, else the shortest).
        size = 4 if (length is None and 4 in lengths) else lengths[0]
        kinds = self.kinds()
        banned = set()
        if "no_zeros" in kinds:
            banned |= {"0"}
        if "cannot_contain_089" in kinds:
            banned |= set("089")
        if "cannot_contain_0789" in kinds:
            banned |= set("0789")
        alphabet = "".join(d for d in "0123456789" if d not in banned)
        for attempt in range(10_000):
            # Widen to a longer supported length if the short space is crowded.
            if attempt and attempt % 500 == 0 and length is None:
                longer = [n for n in lengths if n > size]
                if longer:
                    size = longer[0]
            pin = "".join(rng.choice(alphabet) for _ in range(size))
            if pin in taken:
                continue
            try:
                self.check_pin(pin, taken)
            except PinRejected:
                continue
            return pin
        raise PinRejected(msgs.NO_FREE_PIN)
