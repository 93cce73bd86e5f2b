"""`tfguard fix`: verified edits that fix findings in the Terraform files (docs/fix.md).

text: edits of source text that keep the rest; site: where a fix may edit and how;
rules: what each fixable check's fix does; engine: rounds, verification and writing;
summary: the diff and the report; command: the command line.
"""
