"""Every refusal of the project canvas, with a stable code, an HTTP status for the API and a
message a person can act on (rendered when read, in the reader's language)."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from core.errors import AppError, error_type


class ProjectError(AppError):
    code = "project_error"
    default_message = _("That cannot be done.")


def _error(code: str, status: int, message: Any) -> type[ProjectError]:
    return cast(type[ProjectError], error_type(code, message, status=status, base=ProjectError))


NotAllowed = _error("not_allowed", 403, _("Your role in this workspace only lets you read. Ask an owner to change it."))
OwnerOnly = _error("owner_only", 403, _("Only an owner of this workspace can do that."))
LastOwner = _error("last_owner", 409, _("A workspace needs at least one owner: make someone else an owner first."))
InviteInvalid = _error(
    "invite_invalid", 404, _("This invite link no longer works. Ask the workspace owner for a new one.")
)
RoomNotYours = _error("room_not_found", 422, _("You have no room with that code."))
RoomTaken = _error("room_taken", 409, _("That room is already linked to another workspace."))
NoWorkspaceForRoom = _error(
    "no_workspace", 404, _("This room is not collecting AI project ideas. Check the code with your instructor.")
)
SubmissionsClosed = _error("submissions_closed", 403, _("This room is not taking ideas right now."))
RateLimited = _error("rate_limited", 429, _("Too many ideas in a short time. Wait a minute and try again."))
InvalidNickname = _error("nickname_invalid", 422, _("Choose a nickname of 1 to 20 letters or digits."))
InvalidScores = _error("invalid_scores", 422, _("The scores are not valid."))
InvalidWeights = _error("invalid_weights", 422, _("The weights are not valid."))
InvalidRole = _error("invalid_role", 422, _("Choose owner, evaluator or viewer."))
NotMember = _error("not_member", 404, _("That person is not a member of this workspace."))
DataRejected = _error("data_rejected", 422, _("That data sample cannot be used."))
NoDataSample = _error("no_data_sample", 422, _("Attach a sample of the idea's A → B data first."))
