"""The self-play loop.

Consumes the pool (hsx.pool), the models (hsx.models) and the verifier (hsx.verify); each
iteration picks programs by difficulty (`curriculum`), lets Alice write variants (the model, or
seeded program `transform`ations), verifies them, asks Bob k times, keeps the verified pairs as
`hsx.records.PairRecord`s, selects training data and trains both adapters (`loop`), and leaves a
resumable run directory with metrics (typed in `metrics`) and a report (`report`).  `plan` says beforehand what one
iteration of a configuration will do and need (`hsx selfplay --plan`).
"""
