"""`fake`, as the docs pages call an in-process fake: `fake = FakeSeam()`."""

from fake_seam import FakeSeam

fake = FakeSeam()
