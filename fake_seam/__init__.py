"""fake-seam: a fake of the Seam smart-lock API whose locks behave like real hardware."""

from typing import TYPE_CHECKING, Any

from fake_seam.fake import FakeSeam
from fake_seam.mock import MockSeam, current_fake, mock_seam
from fake_seam.seam.store import Settings

if TYPE_CHECKING:
    from fake_seam.remote import FakeSeamClient

__all__ = ["FakeSeam", "FakeSeamClient", "MockSeam", "Settings", "current_fake", "mock_seam"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The remote client brings httpx (~80 ms): loaded when asked for, not with the package.
    if name == "FakeSeamClient":
        from fake_seam.remote import FakeSeamClient

        return FakeSeamClient
    raise AttributeError(f"module 'fake_seam' has no attribute {name!r}")
