"""What tfguard knows about AWS, one module per concept.

Checks ask these modules their questions; the modules ask the resource graph
(`tfguard.graph`) and read values (`tfguard.model`, `tfguard.truth`). They never
load files, run checks or write reports, and never import the check API
(`tfguard.check`, `tfguard.declare`), which builds on them (pyproject.toml's
import contract `aws`).

- s3 (a package: everything about S3): buckets (ARN, encryption, public access
  block, versioning, access logging) in s3 itself; s3.replication (replication
  rules), s3.transport (a policy denying requests without TLS) and
  s3.log_delivery (buckets that AWS services deliver logs into)
- kms: customer-managed keys, and whether a key argument is set
- regions: the region of an ARN, and where KMS keys are used against where they live
  (which resource a value names is the graph's question: `ResourceGraph.resolve`)
- iam: policy statements (actions, resources, principals, conditions, public grants);
  iam_documents: policy documents read as statements; iam_policies: which
  policies exist and where each is judged
- rds, ebs, dynamodb, stores (the other data stores)
- backup: backup selections and retention
- flows: data flows (replicas, snapshots, copies, backups); copies: the key of each copy;
  classification: levels and the effective classification over flows
- audit: CloudTrail, AWS Config, GuardDuty, Macie and the account subject
- tls: encryption in transit (load balancers, CloudFront, API Gateway,
  OpenSearch, Transfer Family, VPN)
"""
