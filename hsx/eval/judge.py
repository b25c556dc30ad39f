"""EquiBench's answer rule with its LLM judge: a raw answer -> True / False / None (undecided).

Consumes raw model outputs and, optionally, a judge (any `Judge`: a local model through hsx's
generator, or an OpenAI-compatible endpoint given by URL); produces one decision per output.
Read from EquiBench's own code (Anjiang-Wei/EquiBench at 217332098ab8, `steps/eval/eval.py`,
`llm/judge.py`):

1. an answer that is exactly `YES` or `YES\\n```` is True, exactly `NO` or `No\\n```` False, after
   stripping surrounding white space (`exact_answer`; the owners' `No` with a lower-case o is
   copied as it is, so `NO\\n```` goes to the judge);
2. anything else goes to the judge, first with the last sentence, then the last two, then the
   whole answer (sentences: the text split on ".", as the owners split it), stopping at the first
   True / False (`judge_pieces`, `decide`);
3. what is still undecided is a coin flip (hsx/eval/protocols.py scores it).

The owners' judge is gpt-4o-2024-11-20 with a structured reply `{"equivalent": true | false |
null}` and the system prompt `JUDGE_SYSTEM` (copied verbatim, typos included).  hsx sends the same
messages to whatever judge it is given and reads the same field; a reply it cannot read is None.
One departure: a reasoning block (`<think>...</think>`) is removed first, because the owners'
API models return their answer without it and the exact rule would otherwise never apply.

    from hsx.eval.judge import OpenAIJudge, decide
    decisions = decide(outputs, OpenAIJudge("http://localhost:8000/v1", "Qwen/Qwen2.5-7B-Instruct"))
"""

from __future__ import annotations

import json
import re
from typing import Protocol, Sequence

from hsx.agents.parsing import strip_think

JUDGE_SYSTEM = ("Extract the code equivalent answer from text, the text answer YES means equivalent, answer NO means "
                "inequivalent. True for equivalent, False for not quivalent. If it is not decidable, return None. ")
# The owners get the reply's shape from the API (a pydantic response_format); a local model is
# asked for it in words, appended to the same system prompt.
JSON_INSTRUCTION = ' Reply with JSON only: {"equivalent": true}, {"equivalent": false} or {"equivalent": null}.'
EXACT_TRUE = ("YES", "YES\n```")
EXACT_FALSE = ("NO", "No\n```")


class Judge(Protocol):
    name: str

    def judge(self, texts: Sequence[str]) -> list[bool | None]:
        """For each text, True (equivalent), False (not) or None (not decidable / unreadable)."""
        ...


def exact_answer(output: str) -> bool | None:
    """EquiBench's exact rule (step 1 of the module docstring)."""
    content = strip_think(output).strip()
    if content in EXACT_TRUE:
        return True
    if content in EXACT_FALSE:
        return False
    return None


def judge_pieces(output: str) -> list[str]:
    """The texts the owners' judge sees, in order: the last sentence, the last two, the whole."""
    content = strip_think(output).strip()
    sentences = [s.strip() for s in content.rstrip(".").split(".")]
    pieces = [sentences[-1]]
    if len(sentences) >= 2:
        pieces.append(".".join(sentences[-2:]))
    pieces.append(content)
    return pieces


def read_verdict(reply: str) -> bool | None:
    """The `equivalent` field of a judge's reply (JSON, or the field written in prose)."""
    try:
        data = json.loads(strip_think(reply).strip().strip("`").removeprefix("json").strip())
        value = data.get("equivalent") if isinstance(data, dict) else None
        return value if isinstance(value, bool) else None
    except (json.JSONDecodeError, AttributeError):
        m = re.search(r'"?equivalent"?\s*:\s*(true|false|null|none)', reply, re.IGNORECASE)
        return None if not m or m.group(1).lower() in ("null", "none") else m.group(1).lower() == "true"


def decide(outputs: Sequence[str], judge: Judge | None) -> list[dict]:
    """EquiBench's decision for each output: {"decision": True/False/None, "by": "exact" | "judge" |
    None}.  Without a judge only the exact rule decides; the judge is asked in rounds (all last
    sentences, then the last two of those still undecided, then the whole answers)."""
    out = [{"decision": d, "by": "exact" if d is not None else None} for d in map(exact_answer, outputs)]
    if judge is None:
        return out
    pieces = [judge_pieces(o) for o in outputs]
    for round_ in range(3):  # a one-sentence answer has two pieces (the sentence, the whole)
        todo = [i for i, d in enumerate(out) if d["decision"] is None and round_ < len(pieces[i])]
        texts = [pieces[i][round_] for i in todo]
        for i, verdict in zip(todo, judge.judge(texts) if texts else []):
            if verdict is not None:
                out[i] = {"decision": verdict, "by": "judge"}
    return out


class GeneratorJudge:
    """A local model as the judge: any hsx generator (hsx.models.generation), sampled with the
    config's settings at a fixed seed (set a low temperature for a judge), asked for the JSON reply."""

    def __init__(self, generator, name: str, *, seed: int = 0):
        self.generator, self.name, self.seed = generator, name, seed

    def judge(self, texts: Sequence[str]) -> list[bool | None]:
        conversations = [[{"role": "system", "content": JUDGE_SYSTEM + JSON_INSTRUCTION},
                          {"role": "user", "content": t}] for t in texts]
        replies = self.generator.generate(conversations, n=1, adapter=None, seed=self.seed)
        return [read_verdict(r[0].text) for r in replies]


class OpenAIJudge:
    """An OpenAI-compatible chat endpoint as the judge (`{url}/chat/completions`), temperature 0,
    with the owners' structured reply requested as a JSON schema."""

    def __init__(self, url: str, model: str, *, api_key: str | None = None, timeout: float = 120.0):
        self.url, self.model, self.api_key, self.timeout = url.rstrip("/"), model, api_key, timeout
        self.name = f"{model} at {self.url}"

    def _ask(self, text: str) -> bool | None:
        import urllib.error
        import urllib.request

        schema = {"type": "object", "properties": {"equivalent": {"type": ["boolean", "null"]}},
                  "required": ["equivalent"], "additionalProperties": False}
        body = {"model": self.model, "temperature": 0,
                "messages": [{"role": "system", "content": JUDGE_SYSTEM}, {"role": "user", "content": text}],
                "response_format": {"type": "json_schema",
                                    "json_schema": {"name": "CodeEquivalentResult", "schema": schema, "strict": True}}}
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(f"{self.url}/chat/completions", json.dumps(body).encode(), headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read())
        except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as e:
            raise RuntimeError(f"judge {self.name}: request failed ({e}); check the URL (it ends with /v1 "
                               f"for most servers), the model name and the API key") from e
        try:
            return read_verdict(reply["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError):
            raise RuntimeError(f"judge {self.name}: not a chat completion: {str(reply)[:300]}") from None

    def judge(self, texts: Sequence[str]) -> list[bool | None]:
        return [self._ask(t) for t in texts]


__all__ = ["EXACT_FALSE", "EXACT_TRUE", "GeneratorJudge", "JUDGE_SYSTEM", "Judge", "OpenAIJudge", "decide",
           "exact_answer", "judge_pieces", "read_verdict"]
