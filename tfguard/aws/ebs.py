"""EBS: encryption of volumes, and account default encryption.

- A volume is encrypted when `encrypted` is true (`"true"` in a launch
  template); an `aws_instance` without a `root_block_device` block has an
  unencrypted root volume (`ebs_volumes`, `volumes_encrypted`, TG120).
- Account default encryption is an `aws_ebs_encryption_by_default` whose
  `enabled` is true or unset, the provider's default (`ebs_default`, TG120, TG121).

Snapshot copies are data flows (`tfguard.aws.flows`).
"""

from __future__ import annotations

from typing import Any

from tfguard.graph import ResourceGraph
from tfguard.model import Resource, Status, Verdict, is_unknown, nested
from tfguard.truth import setting, status_on
from tfguard.unknowns import cause

EBS_TYPES = ("aws_ebs_volume", "aws_instance", "aws_launch_template", "aws_launch_configuration")


def ebs_default(graph: ResourceGraph) -> Verdict:
    """Account default EBS encryption: an aws_ebs_encryption_by_default with enabled true (default)."""
    resources = graph.of_type("aws_ebs_encryption_by_default")
    unknown: Resource | None = None
    for res in resources:
        enabled = setting(res.values.get("enabled"))
        if enabled is True or enabled is None:
            return Verdict(Status.PASS, f"account default EBS encryption is enabled by {res.address}", "enabled", res)
        if is_unknown(enabled):
            unknown = unknown or res
    if unknown is not None:
        why = cause(unknown.values.get("enabled"))
        return Verdict(Status.UNKNOWN, f"whether {unknown.address} enables default EBS encryption is not known statically"
                       + (f" ({why})" if why else ""), "enabled", unknown)
    if resources:
        return Verdict(Status.FAIL, f"{resources[0].address} sets enabled = false", "enabled", resources[0])
    return Verdict(Status.FAIL, "the configuration has no aws_ebs_encryption_by_default")


def ebs_volumes(res: Resource) -> list[tuple[str, Any]]:
    """(attribute path of `encrypted`, its value) for every EBS volume the resource declares.

    An aws_instance without a root_block_device block has an unencrypted root
    volume: it is listed as ("root_block_device", None). A block that is not
    known statically (a dynamic block over an unknown list) is listed with
    an Unknown value.
    """
    out: list[tuple[str, Any]] = []
    if res.type == "aws_ebs_volume":
        return [("encrypted", res.values.get("encrypted"))]
    if res.type in ("aws_instance", "aws_launch_configuration"):
        roots = res.blocks("root_block_device")
        if not roots and res.type == "aws_instance":
            out.append(("root_block_device", None))
        for name in ("root_block_device", "ebs_block_device"):
            for block in res.blocks(name):
                out.append((f"{name}.encrypted", block if is_unknown(block) else block.get("encrypted")))
        return out
    if res.type == "aws_launch_template":
        for mapping in res.blocks("block_device_mappings"):
            if is_unknown(mapping):
                out.append(("block_device_mappings", mapping))
                continue
            for ebs in nested(mapping, "ebs"):
                value = ebs if is_unknown(ebs) else ebs.get("encrypted") if isinstance(ebs, dict) else None
                out.append(("block_device_mappings.ebs.encrypted", value))
    return out


def volumes_encrypted(res: Resource) -> Verdict:
    """The resource's own volumes (without account default encryption)."""
    volumes = ebs_volumes(res)
    if not volumes:
        return Verdict(Status.PASS, "it declares no EBS volume", "", res)
    unknown: str | None = None
    for attr, value in volumes:
        status = status_on(value)
        if status is Status.FAIL:
            if attr == "root_block_device":
                reason = "it has no root_block_device block, so its root volume is not encrypted"
            else:
                where = attr.rsplit(".", 1)[0] if "." in attr else "the volume"
                if value is None:
                    reason = f"{where} does not set encrypted = true"
                else:
                    shown = str(value).lower() if isinstance(value, bool) else repr(value)
                    reason = f"{where} sets encrypted = {shown}"
            return Verdict(Status.FAIL, reason, attr, res)
        if status is Status.UNKNOWN and unknown is None:
            unknown = attr
    if unknown is not None:
        return Verdict(Status.UNKNOWN, f"{unknown} is not known statically", unknown, res)
    count = len(volumes)
    return Verdict(Status.PASS, "its EBS volume is encrypted" if count == 1 else f"all {count} of its EBS volumes are encrypted",
                   volumes[0][0], res)
