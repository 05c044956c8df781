"""`app`, the application code the docs' pytest examples test: it makes its own `Seam()`."""

from datetime import UTC, datetime, timedelta

from seam import Seam


def check_in(guest: str, device_id: str = "august_device_1") -> str:
    """Book the guest's code for a stay from now to tomorrow, with a backup to fall back on."""
    seam = Seam()
    now = datetime.now(UTC)
    code = seam.access_codes.create(
        device_id=device_id,
        name=guest,
        starts_at=now.isoformat(),
        ends_at=(now + timedelta(days=1)).isoformat(),
        use_backup_access_code_pool=True,
    )
    return code.access_code_id
