"""fake-seam: a fake of the Seam smart-lock API whose locks behave like real hardware."""

from fake_seam.fake import FakeSeam
from fake_seam.seam.store import Settings

__all__ = ["FakeSeam", "Settings"]
__version__ = "0.1.0"
