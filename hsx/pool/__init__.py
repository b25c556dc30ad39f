"""The program pool: the P's that self-play starts from.

Consumes `data/programs/*.jsonl` (one program per line: its code and entry, plus the fields
`hsx programs validate` derives: type, inputs, outputs, reflectability); produces `Program`
records, checked by running them through hsx.verify.
"""
