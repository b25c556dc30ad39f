"""The program pool: the P's that self-play starts from.

Consumes `data/programs/*.jsonl` (one program per line: its code, entry and sample inputs, plus the
fields hsx derives: type, arity, outputs, size, reflectability); produces `Program` records
(`programs`: the record and its files), checked and derived by running them through hsx.verify
(`validate`: `hsx programs validate` and `add`), with the reflectability guess from `reflect`.
"""
