"""Every shipped rule, listed explicitly (the registry refuses duplicate ids). Add a rule: add its module here."""

from __future__ import annotations

from validate.linter.rule import Rule
from validate.linter.rules.s3b000_malformed import MalformedPolicy
from validate.linter.rules.s3b001_trust_service import TrustService
from validate.linter.rules.s3b002_trust_wildcard_principal import TrustWildcardPrincipal
from validate.linter.rules.s3b003_trust_extra_principal import TrustExtraPrincipal
from validate.linter.rules.s3b004_trust_actions import TrustActions
from validate.linter.rules.s3b005_trust_session_actions import TrustSessionActions
from validate.linter.rules.s3b006_trust_not_elements import TrustNotElements
from validate.linter.rules.s3b007_trust_deny import TrustDeny
from validate.linter.rules.s3b008_trust_source_account import TrustSourceAccount
from validate.linter.rules.s3b090_invalid_suppression import InvalidSuppression
from validate.linter.rules.s3b101_wildcard_action import WildcardAction
from validate.linter.rules.s3b102_resource_star import ResourceStar
from validate.linter.rules.s3b103_resource_mismatch import ResourceMismatch
from validate.linter.rules.s3b104_unknown_action import UnknownAction
from validate.linter.rules.s3b105_allow_not_elements import AllowNotElements
from validate.linter.rules.s3b106_pass_role_wildcard import PassRoleWildcard
from validate.linter.rules.s3b110_new_access import NewAccess
from validate.linter.rules.s3b111_missing_access import MissingAccess
from validate.linter.rules.s3b112_unknown_operation import UnknownOperation
from validate.linter.rules.s3b113_operation_not_declared import OperationNotDeclared
from validate.linter.rules.s3b114_unreadable_attachment import UnreadableAttachment
from validate.linter.rules.s3b115_dynamic_unread import DynamicUnread
from validate.linter.rules.s3b116_template_unread import TemplateUnread

RULES: tuple[type[Rule], ...] = (
    MalformedPolicy, TrustService, TrustWildcardPrincipal, TrustExtraPrincipal, TrustActions, TrustSessionActions,
    TrustNotElements, TrustDeny, TrustSourceAccount,
    InvalidSuppression,
    WildcardAction, ResourceStar, ResourceMismatch, UnknownAction, AllowNotElements, PassRoleWildcard,
    NewAccess, MissingAccess, UnknownOperation, OperationNotDeclared, UnreadableAttachment, DynamicUnread,
    TemplateUnread,
)
