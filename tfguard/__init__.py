"""tfguard: a Terraform security analyzer for data-protection controls on AWS."""

__version__ = "0.1.0"
