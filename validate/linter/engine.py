"""Run the rules over policy and role sources; apply suppressions; read JSON files and Terraform paths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from s3batch_core.errors import InputError
from s3batch_core.contract.limits import MAX_POLICY_BYTES, MAX_STATEMENTS, check_size, load_json
from s3batch_core.terraform.load import display_path, find_tf_files, parse_tf_file, walk_files
from s3batch_core.terraform.text import effect_lines
from validate.linter.findings import Finding, Severity
from validate.linter.model import PERMISSION, TRUST, parse_policy
from validate.linter.registry import Registry, default_registry
from validate.linter.rule import BATCH_TRUST, DOCUMENT, ROLE, DocumentContext, Issue, RoleContext, RolePolicy, Rule
from validate.linter.rule import PERMISSION as PERMISSION_TARGET
from validate.linter.rule import TRUST as TRUST_TARGET
from validate.linter.sources import PolicySource, RoleSource, Suppression, split_json_suppressions

if TYPE_CHECKING:
    from s3batch_core.iam.catalogue import JobScope

POLICY_KEYS = ("Statement", "Version")
TEMPLATE_SUFFIXES = (".json.tpl", ".tftpl")  # policy templates, linted when named on the command line
def lint_sources(standalone: Sequence[PolicySource], roles: Sequence[RoleSource] = (), *, operation: str | None = None,
                 scope: JobScope | None = None, registry: Registry | None = None) -> list[Finding]:
    """Findings for every document and batch role, suppressions applied, sorted and de-duplicated.

    `operation` also makes each standalone `whole_role` permission document a batch role of its own, unless
    it names s3:CreateJob (a job submitter's policy, e.g. a Lambda's beside the role's JSON files).
    """
    registry = registry or default_registry()
    findings: list[Finding] = []
    for source in standalone:
        findings += _suppressed(_document_findings(source, registry, skips_checks=False), source.suppressions, registry)
    for role in roles:
        # An unread part makes a check skip for the trust policy (S3B001) and, once the operation is known,
        # for the permission policies (S3B111).
        for source, skips_checks in [*((t, True) for t in role.trust), *((p, bool(role.operation)) for p in role.permissions)]:
            findings += _suppressed(_document_findings(source, registry, skips_checks), source.suppressions, registry)
    for role in roles:
        by_resource = {p.resource: p.suppressions for p in role.permissions}
        for finding in _role_findings(role, registry, scope):
            own = role.suppressions + by_resource.get(finding.resource, ())
            findings += _suppressed([finding], own, registry)
    for source in standalone:
        if operation and source.whole_role and _kind(source) == PERMISSION and source.error is None and not _submits_jobs(source):
            pseudo = RoleSource(source.resource or source.file, source.file, source.line, (), (source,), operation, "--operation")
            findings += _suppressed(_role_findings(pseudo, registry, scope), source.suppressions, registry)
    findings += _invalid_suppressions([*standalone, *roles], registry)
    return _sorted_unique(findings)


def _submits_jobs(source: PolicySource) -> bool:
    """The document allows s3:CreateJob by name: a submitter's policy (a wildcard such as s3:* does not count)."""
    from validate.linter.rules._batch import CREATE_JOB

    statements = parse_policy(source.document).allow_statements()
    return any(a.lower() == CREATE_JOB for s in statements for a in s.actions or ())


def _kind(source: PolicySource) -> str:
    return source.kind or parse_policy(source.document).detected_kind


def _document_findings(source: PolicySource, registry: Registry, skips_checks: bool) -> list[Finding]:
    if source.error is not None and source.template_missing is not None:
        needed = f"; it needs values for {', '.join(source.template_missing)}" if source.template_missing else ""
        return _engine_finding(registry, "S3B116", source, f"{source.error}{needed}; the template is not linted")
    if source.error is not None:
        return _engine_finding(registry, "S3B000", source, source.error)
    policy = parse_policy(source.document)
    kind = source.kind or policy.detected_kind
    targets = [DOCUMENT] + ([TRUST_TARGET] if kind == TRUST else [PERMISSION_TARGET] if kind == PERMISSION else [])
    if kind == TRUST and source.for_batch:
        targets.append(BATCH_TRUST)
    context = DocumentContext(policy, kind, source.for_batch, complete=not source.unread)
    findings = [_finding(rule, issue, source) for rule in registry.for_target(*targets) for issue in rule.check(context)]
    return findings + _unread_findings(source, registry, skips_checks)


def _unread_findings(source: PolicySource, registry: Registry, skips_checks: bool) -> list[Finding]:
    """S3B115 at each part of the document that could not be read (a dynamic block's line).

    A warning for a batch role's policy, where checks are skipped because of it; information elsewhere
    (general IAM modules are full of plan-time dynamic blocks, and nothing is skipped for them).
    """
    rule = registry.get("S3B115")
    if rule is None:
        return []
    skipped = (
        "; S3B111 (missing permission) and S3B001 (batch trust) are skipped for this policy" if skips_checks else ""
    )
    return [Finding(rule.id, rule.severity if skips_checks else Severity.INFO,
                    f"{part.description}, so the blocks it generates are not linted{skipped}",
                    source.file, part.line, source.resource) for part in source.unread]


def _role_findings(role: RoleSource, registry: Registry, scope: JobScope | None) -> list[Finding]:
    from s3batch_core.iam.catalogue import OPERATIONS

    where = PolicySource(None, role.file, role.line, role.address)
    undeclared: list[Finding] = []
    if role.operation is None:
        message = (f"{role.address} trusts S3 Batch Operations but declares no operation (tag {role.address} "
                   "with S3BatchOperation, set a variable operation, or pass --operation)")
        evident = _evident_operation(role)
        if evident is not None:
            operation, why = evident
            message += f"; checked for {operation} jobs, since {why}"
            role = replace(role, operation=operation, operation_origin=f"evident from its permissions: {why}")
        undeclared = _engine_finding(registry, "S3B113", where, message)
        if evident is None:
            # Still checked against every operation at once: an action no batch job uses is new access anyway.
            return undeclared + _rule_findings(role, registry, scope, where)
    if role.operation not in OPERATIONS:
        return _engine_finding(registry, "S3B112", where, f'{role.address}: operation "{role.operation}" '
                               f'({role.operation_origin}) is not one of {", ".join(OPERATIONS)}')
    findings = undeclared + _rule_findings(role, registry, scope, where)
    if not role.permissions and not role.unreadable:  # no policy here: attached by another stack
        why = (f"{role.address}: permissions attached outside this code "
               "(no permission policy of the role is defined here)")
    elif role.unreadable or len(role.readable) != len(role.permissions):
        unread = ", ".join(role.unreadable) or "unparsable policy"
        why = f"{role.address} has policies that cannot be read here ({unread})"
    else:
        return findings
    return findings + _engine_finding(registry, "S3B114", where, f"{why}; missing-permission check skipped")


def _rule_findings(role: RoleSource, registry: Registry, scope: JobScope | None, where: PolicySource) -> list[Finding]:
    """The ROLE rules on the role's readable permission policies (operation None: any operation)."""
    readable = role.readable
    policies = tuple(RolePolicy(s.resource or s.file, parse_policy(s.document), s.document) for s in readable)
    all_read = bool(role.permissions) and not role.unreadable and len(readable) == len(role.permissions)
    # A partly read policy (S3B115, reported on the document) may hold the grant S3B111 would miss.
    complete = all_read and not any(s.unread for s in readable)
    context = RoleContext(role.operation, policies, scope, complete, _shared_with(role))
    findings: list[Finding] = []
    for rule in registry.for_target(ROLE):
        for issue in rule.check(context):
            source = readable[issue.part] if issue.part is not None else where
            findings.append(_finding(rule, issue, source))
    return findings


def _evident_operation(role: RoleSource) -> tuple[str, str] | None:
    """The operation the role's readable permissions make evident (rules/_evident.py), or None."""
    from validate.linter.rules._evident import evident_operation

    return evident_operation(parse_policy(source.document) for source in role.readable)


def _shared_with(role: RoleSource) -> tuple[str, ...]:
    from validate.linter.rules.s3b003_trust_extra_principal import extra_principals

    readable = [s.document for s in role.trust if s.error is None]
    return tuple(str(p) for document in readable for p in extra_principals(parse_policy(document)))


def _engine_finding(registry: Registry, rule_id: str, source: PolicySource, message: str) -> list[Finding]:
    rule = registry.get(rule_id)
    return [_finding(rule, Issue(message), source)] if rule else []


def _finding(rule: Rule, issue: Issue, source: PolicySource) -> Finding:
    line = source.line
    if issue.statement is not None and issue.statement.index < len(source.statement_lines):
        line = source.statement_lines[issue.statement.index]
    return Finding(rule.id, rule.severity, issue.message, source.file, line, source.resource)


def _suppressed(findings: list[Finding], suppressions: Iterable[Suppression], registry: Registry) -> list[Finding]:
    reasons = {s.rule: s.reason for s in suppressions if s.reason and s.rule in registry and s.rule != "S3B090"}
    return [replace(f, suppressed=reasons[f.rule]) if f.rule in reasons else f for f in findings]


def _invalid_suppressions(sources: Iterable[PolicySource | RoleSource], registry: Registry) -> list[Finding]:
    rule = registry.get("S3B090")
    if rule is None:
        return []
    seen: dict[tuple[str, int | None, str], Suppression] = {}
    for source in sources:
        parts = (*source.trust, *source.permissions) if isinstance(source, RoleSource) else ()
        for suppression in chain(source.suppressions, *(part.suppressions for part in parts)):
            seen.setdefault((suppression.file, suppression.line, suppression.rule), suppression)
    return [Finding(rule.id, rule.severity, problem, suppression.file, suppression.line, None)
            for suppression in seen.values() if (problem := _suppression_problem(suppression, registry))]


def _suppression_problem(suppression: Suppression, registry: Registry) -> str | None:
    if not suppression.rule:
        return "suppression names no rule id (write: s3batch:ignore S3B001 <reason>)"
    if suppression.rule not in registry:
        return f"suppression names unknown rule {suppression.rule}"
    if suppression.rule == "S3B090":
        return "S3B090 (invalid suppression) cannot be suppressed"
    if not suppression.reason:
        return f"suppression of {suppression.rule} has no reason; a reason is mandatory"
    return None


def _sorted_unique(findings: list[Finding]) -> list[Finding]:
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (f.file, f.line or 0, f.rule, f.message))


# ---- inputs -------------------------------------------------------------------------------------------------


def lint_document(document: object, *, kind: str | None = None, operation: str | None = None,
                  scope: JobScope | None = None, source: str = "<inline>", line: int | None = None,
                  resource: str | None = None) -> list[Finding]:
    """Lint one policy document (a JSON value); with an operation or scope it is checked as a batch role's policy."""
    stripped, suppressions = split_json_suppressions(document, source, line)
    policy_source = PolicySource(
        stripped, source, line, resource, kind=kind, suppressions=tuple(suppressions), for_batch=True, whole_role=True
    )
    operation = operation or (scope.operation if scope is not None else None)
    return lint_sources([policy_source], operation=operation, scope=scope)


def json_source(path: Path, operation: str | None = None) -> PolicySource | None:
    """A PolicySource for a JSON policy file; None when the file is JSON but not a policy; InputError if unreadable."""
    try:
        check_size(path.stat().st_size, str(path), MAX_POLICY_BYTES)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    if path.name.endswith(TEMPLATE_SUFFIXES):
        return _template_source(path, text)
    document = load_json(text, str(path), max_bytes=MAX_POLICY_BYTES)
    if not isinstance(document, dict) or not any(k in document for k in (*POLICY_KEYS, "S3BatchLintIgnore")):
        return None
    return _file_source(display_path(path), text, document, bool(operation))


def _template_source(path: Path, text: str) -> PolicySource | None:
    """A policy template given on the command line, its variables unknown; None when it is no policy."""
    from validate.linter.templates import read_template

    if not any(f'"{key}"' in text for key in (*POLICY_KEYS, "Effect")):
        return None
    shown = display_path(path)
    read = read_template(text, {}, shown)
    if read.error is not None:
        return PolicySource(None, shown, 1, None, error=read.error, template_missing=read.missing)
    return _file_source(shown, text, read.document, False)


def _file_source(shown: str, text: str, document: object, for_operation: bool) -> PolicySource:
    """A policy file as a whole role's policy: suppressions split off, a batch trust policy when it names the
    batch service (or an operation is given), statements at the lines of their Effect keys."""
    stripped, suppressions = split_json_suppressions(document, shown, 1)
    return PolicySource(
        stripped, shown, 1, None, suppressions=tuple(suppressions),
        for_batch=for_operation or "batchoperation" in text.lower(), whole_role=True,
        statement_lines=_effect_lines(text, stripped, shown),
    )


def _effect_lines(text: str, document: object, shown: str) -> tuple[int, ...]:
    """The line of each statement's "Effect" key, when there is one per statement; InputError past the limit."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    count = len(statements) if isinstance(statements, list) else 1
    if count > MAX_STATEMENTS:
        raise InputError(f"{shown}: {count} statements, more than the limit of {MAX_STATEMENTS} per policy")
    lines = effect_lines(text)
    return lines if len(lines) == count else ()


def collect_paths(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(.tf files, .json files) for these paths; a .tf file brings its whole directory (a module is a directory)."""
    tf_dirs: list[Path] = []
    json_files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_dir():
            tf_dirs.append(path)
            json_files += walk_files(path, lambda name: name.endswith(".json"))
        elif path.suffix == ".tf":
            tf_dirs.append(path.parent)
        elif path.suffix == ".json" or path.name.endswith(TEMPLATE_SUFFIXES):
            json_files.append(path)
        else:
            raise InputError(f"{path}: not a .tf, .json, .json.tpl or .tftpl file or a directory")
    return find_tf_files(tf_dirs), sorted(dict.fromkeys(json_files))


def lint_paths(paths: Sequence[Path], operation: str | None = None) -> list[Finding]:
    """Lint JSON policy files and Terraform files/directories; InputError on unreadable input."""
    from s3batch_core.terraform.project import TerraformProject, with_local_modules
    from validate.linter.terraform import Extractor

    tf_files, json_files = collect_paths([Path(p) for p in paths])
    files = with_local_modules([parse_tf_file(p) for p in tf_files]) if tf_files else []
    standalone, roles = Extractor(TerraformProject(files)).extract(operation) if files else ([], [])
    standalone += [source for path in json_files if (source := json_source(path, operation)) is not None]
    context = _context_only([tf.path for tf in files], [Path(p) for p in paths])
    return [f for f in lint_sources(standalone, roles, operation=operation) if f.file not in context]


def _context_only(tf_files: Sequence[Path], given: Sequence[Path]) -> set[str]:
    """Files read only for context, whose findings are not reported: with .tf files named on the command line,
    their siblings and the local modules they call (a pre-commit run on changed files reports those files, not
    untouched neighbours). Files under a directory given on the command line, and the local modules a given
    directory calls (their roles are read with its arguments), are reported."""
    named = {p.resolve() for p in given if p.is_file()}
    directories = [p.resolve() for p in given if p.is_dir()]
    return {
        display_path(f) for f in tf_files
        if f.resolve() not in named and not any(d in f.resolve().parents for d in directories)
    } if named else set()

