"""Pushing a written dataset to the Hugging Face hub (`hsx dataset export --push REPO`).

Consumes a dataset directory written by `hsx.data.files.write_dataset` (its `hf/` copy and its
card); produces the dataset repository on the hub.  Needs network access and a token with write
access; the dataset on disk is complete without it.
"""

from __future__ import annotations

from pathlib import Path

from hsx.data.files import DatasetError


def push_dataset(out: Path, repo: str) -> None:
    """Uploads a written dataset (its `hf/` copy) to the hub, with its card."""
    import datasets
    try:
        dd = datasets.load_from_disk(str(out / "hf"))
        dd.push_to_hub(repo)
        from huggingface_hub import HfApi
        HfApi().upload_file(path_or_fileobj=str(out / "README.md"), path_in_repo="README.md", repo_id=repo,
                            repo_type="dataset")
    except Exception as e:  # offline, no token, no permission: all say the same to the user
        raise DatasetError(f"could not push {out} to the hub as {repo}: {type(e).__name__}: {e}. Pushing needs "
                           f"network access (HF_HUB_OFFLINE unset) and a token with write access "
                           f"(`huggingface-cli login`); the dataset on disk is complete without it") from None


__all__ = ["push_dataset"]
