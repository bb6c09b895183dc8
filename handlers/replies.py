"""The replies every feature gives in the same words, and what each domain error code says to the person.

One home (issue #13): "Not found." was typed in eleven modules and the error-code table twice (the
records forms and the request forms, which had drifted: "That answer is too long." / "That is too
long."). Feature handlers import these; their own sentences stay with them.
"""

from __future__ import annotations

from services.i18n.catalogs import N_

DONE = N_("Done.")
NOT_FOUND = N_("Not found.")
NOT_ALLOWED = N_("Sorry, your role does not allow this command.")
OUT_OF_DATE = N_("This button is out of date.")
ALREADY_MARKED = N_("Already marked.")
CHECK_ANSWER = N_("Please check this answer.")
SHARE_LOCATION = N_("Please share your location with the button below.")
POSITIVE_AMOUNT = N_("The amount must be more than 0.")
EDIT = N_("✏️ Edit")
PHOTO_COUNT = N_("{n} photo(s)")
ASK_CATEGORY = N_("Which category?")

ERROR_TEXTS = {
    "required": N_("This answer is required."),
    "too_long": N_("That answer is too long."),
    "out_of_range": N_("That value is out of range."),
    "not_a_number": N_("Please enter a number."),
    "too_many_decimals": N_("Please enter a number with at most two decimals."),
    "phone_invalid": N_("That is not a valid phone number. Example: 13812345678 or 021-62345678."),
    "date_in_future": N_("The date cannot be in the future."),
    "repaired_before_reported": N_("The repair date cannot be before the report date."),
    "repair_not_done": N_("Enter the repair date first."),
    "quantity_negative": N_("Quantities cannot be negative."),
    "satisfaction_required": N_("Please rate the customer's satisfaction."),
    "satisfaction_not_applicable": N_("Satisfaction is only rated on return visits."),
    "next_step_required": N_("Please describe the next step before giving its date."),
    "date_before_visit": N_("The follow-up date cannot be before the visit."),
    "location_incomplete": N_("Please share the location again."),
    "ends_before_start": N_("The last day cannot be before the first day."),
    "date_too_far": N_("That is too far ahead (at most {max_days} days)."),
    "project_required": N_("Please name the project."),
    "destination_required": N_("Please say where you are going."),
    "purpose_required": N_("Please give the purpose."),
}
"""Domain validation code (domain/validation.py, services' FieldError) → the message; unknown codes say
CHECK_ANSWER. Messages may use the error's params ({max_days})."""


def error_text(code: str) -> str:
    """The message id for a domain error code."""
    return ERROR_TEXTS.get(code, CHECK_ANSWER)
