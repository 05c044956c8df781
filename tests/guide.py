"""Seam's guide to backup access codes, sentence by sentence: what `@pytest.mark.guide(id)` on a
test refers to. `tools/gen_docs.py` writes docs/seam-guide.md from this table and the marks, and
a failing test names the sentence it was holding the fake to (tests/conftest.py)."""

from __future__ import annotations

# id -> (the guide's section, its words, our note or "")
SENTENCES: dict[str, tuple[str, str, str]] = {
    "time-bound-only": (
        "Only for time-bound codes",
        "Seam supports backup access codes for time-bound access codes only.",
        "",
    ),
    "check-support": (
        "Before you begin",
        "To confirm that Seam supports back up code pools for your device, check the device's\nproperties by inspecting the response from Get Device or List Devices. Ensure that the\ndevice's `properties.supports_backup_access_code_pool` is true.",
        "",
    ),
    "activate": (
        "1. Activate the backup access code pool",
        "To activate the backup pool, set `use_backup_access_code_pool` to true when creating an\naccess code.",
        "",
    ),
    "cannot-turn-off": (
        "1. Activate the backup access code pool",
        "After activation, the backup access code pool cannot be turned off for that device.",
        "Newer than the guide, Seam's API has an explicit off switch (`devices.update(backup_access_code_pool_enabled=False)`); the fake follows the API.",
    ),
    "unmanage-removes": (
        "1. Activate the backup access code pool",
        "However, if you unmanage the device, any backup access codes are removed.",
        "",
    ),
    "one-pool-per-device": (
        "1. Activate the backup access code pool",
        "This activation is a one-time process for each device. Once initiated, Seam consistently\nmaintains a backup code pool for the device. All access codes associated with the device\nutilize the same backup code pool.",
        "",
    ),
    "named-in-the-app": (
        "1. Activate the backup access code pool",
        'In the smart lock app, backup access codes appear as "Backup {CODE_ID} (Seam)".',
        "",
    ),
    "detect-failure": (
        "2. Detect when an access code has failed to program",
        "When you receive an `access_code.failed_to_set_on_device` event through your Webhook, or\nnotice a `failed_to_set_on_device` error on the access code object, that means that the\naccess code has failed to program. You can retrieve a backup access code to use instead.",
        "",
    ),
    "confirm-available": (
        "3. Confirm the availability of a backup access code",
        "To confirm that a backup access code is available for retrieval, check the\n`is_backup_access_code_available` property on the access code by inspecting the response from\nGet Access Code or List Access Codes. If the backup code pool has been exhausted, this\nproperty returns false.",
        "",
    ),
    "time-bound-pulls-only": (
        "3. Confirm the availability of a backup access code",
        "Note that we only support pulling backup codes for time_bound codes at this time.",
        "",
    ),
    "retrieve": (
        "4. Retrieve a backup access code",
        "To retrieve a backup access code for an access code, include the `access_code_id` in the Pull\nBackup Access Codes request. In the response, you receive the new backup access code.",
        "",
    ),
    "marked-pulled": (
        "4. Retrieve a backup access code",
        'Mark the backup access code as pulled (`"pulled": true`), meaning that it has been removed\nfrom the pool.',
        "",
    ),
    "associated": (
        "4. Retrieve a backup access code",
        "Associate the backup access code with the original access code, ensuring that any future\nrequests to the Pull Backup Access Code request return the same backup access code.",
        "",
    ),
    "ends-at-matches": (
        "4. Retrieve a backup access code",
        "Update the `ends_at` date for the backup access code to match that of the original access code.",
        "",
    ),
    "refill": (
        "4. Retrieve a backup access code",
        "Attempt to refill the backup access code pool with a new backup code.",
        "",
    ),
    "many-active-warning": (
        "Troubleshooting",
        "Warning: `many_active_backup_codes`. Multiple back up codes have been pulled from the device.\nThis usually indicates that Seam is having issues programming access codes onto the device.",
        "",
    ),
    "partial-pool-warning": (
        "Troubleshooting",
        "Warning: `partial_backup_access_code_pool`. Seam is having trouble refilling the back up\naccess code pool. This could result from device connection issues or from the device running\nout of space for new codes.",
        "",
    ),
    "empty-pool-error": (
        "Troubleshooting",
        "Error: `empty_backup_access_code_pool`. There are no more back up codes available in the pool.\nThis can happen when you've just enabled the back up pool feature, or when all of the backup\naccess codes have been used.",
        "",
    ),
    "supported-brands": (
        "Supported brands",
        "All door locks with the `access_code` capability are expected to support this feature, with\nthe exception of Salto locks.",
        "",
    ),
}

INTRO = (
    "Seam's public guide to [backup access\n"
    "codes](https://docs.seam.co/latest/capability-guides/smart-locks/access-codes/backup-access-codes)\n"
    "states what a backup access code pool does. Each of its requirements is quoted below with the\n"
    "tests that hold the fake to it: those marked `@pytest.mark.guide(...)` with the sentence's id\n"
    "(`tests/guide.py`), so a failing test says which sentence it was checking. The scenario library\n"
    "(`scenarios/01-…` to `08-…`) tells the same story step by step. How the pool behaves in the\n"
    "fake, beyond the guide: [Backup pools](backup-pools.md)."
)
