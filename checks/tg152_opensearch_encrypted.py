"""TG152 opensearch-encrypted.

Reading: the domain passes only when `encrypt_at_rest { enabled = true }` and
`node_to_node_encryption { enabled = true }` are both stated; a missing block
or `enabled` unset/false fails (even when the other is unknown), otherwise an
unknown value (e.g. a dynamic block over an unknown list) is UNKNOWN. Applies
alike to `aws_opensearch_domain` and `aws_elasticsearch_domain`.
"""

from __future__ import annotations

from tfguard.check import Check
from tfguard.compliance import controls
from tfguard.declare import flags_on

CHECK = Check(
    id="TG152",
    slug="opensearch-encrypted",
    title="OpenSearch domain encrypts data at rest and between nodes",
    severity="high",
    resource_types=("aws_opensearch_domain", "aws_elasticsearch_domain"),
    rationale="Search indexes hold copies of the documents they index; without encryption at rest and "
    "node-to-node encryption they lie in plain text on disk and travel in clear inside the cluster.",
    remediation="Add encrypt_at_rest { enabled = true } and node_to_node_encryption { enabled = true } to the domain.",
    evaluate=flags_on("encrypt_at_rest.enabled", "node_to_node_encryption.enabled"),
    compliance=controls("TG152"),
    references=(
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html",
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html",
    ),
    bad_example='resource "aws_opensearch_domain" "search" {\n  domain_name = "search"\n}',
    good_example='resource "aws_opensearch_domain" "search" {\n  domain_name = "search"\n\n'
    '  encrypt_at_rest {\n    enabled = true\n  }\n  node_to_node_encryption {\n    enabled = true\n  }\n}',
)
