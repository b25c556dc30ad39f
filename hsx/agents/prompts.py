"""All prompt text of self-play, in one place.

Consumes pool `Program`s, program texts, the Liquid Haskell module skeleton of a program and
verifier feedback; produces chat conversations (`list[dict]`, each message `{"role", "content"}`)
for the generation stage:

* `alice_sinq(program)`: Alice writes an *inequivalent* variant Q and an input on which P and Q
  differ;
* `alice_seq(program, lh_skeleton)`: Alice writes an *equivalent* variant Q and a Liquid Haskell
  proof of hsx's theorem;
* `alice_repair(conversation, answer, feedback)`: the same conversation, her rejected answer, the
  classified verifier error, and a request to answer again;
* `bob_judge(p_code, q_code)`: Bob decides whether two programs are equivalent.

The answer formats are fixed by the constants below, which `hsx.agents.parsing` uses to read answers
back, so a prompt and its parser cannot drift apart.  Every conversation is user turns only (no
system message): some chat templates have no system role, and the instructions fit in the turn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hsx.proof.lhmodule import THEOREM  # the theorem's name in hsx's Liquid Haskell module

if TYPE_CHECKING:
    from hsx.pool.programs import Program

# ------------------------------------------------------------------------------------------------
# Answer formats (shared with hsx/agents/parsing.py)

FENCE = "```"
Q_LABEL = "haskell"  # ```haskell: the complete program Q
INPUT_LABEL = "input"  # ```input: the diverging input, one Haskell expression per line
PROOF_LABEL = "proof"  # ```proof: the body of the proof (equations of equiv, lemmas)
ANSWER_MARKER = "ANSWER:"  # Bob's final line: ANSWER: YES | ANSWER: NO
YES = "YES"
NO = "NO"

# Verifier messages can be long (GHC and Liquid Haskell errors); the head and tail say what failed.
MAX_FEEDBACK_CHARS = 3000


def _fenced(label: str, body: str) -> str:
    return f"{FENCE}{label}\n{body.rstrip()}\n{FENCE}"


def _call(entry: str, args: tuple[str, ...]) -> str:
    def arg(a: str) -> str:
        a = a.strip()
        simple = a[:1] in "([\"'" or " " not in a
        return a if simple else f"({a})"
    return " ".join([entry, *map(arg, args)])


def _examples(program: "Program") -> str:
    return "\n".join(f"  {_call(program.entry, row)}  ==>  {out}"
                     for row, out in zip(program.inputs, program.outputs))


def _program_block(program: "Program") -> str:
    return (f"Program P (entry `{program.entry} :: {program.type}`, {program.arity} argument"
            f"{'s' if program.arity != 1 else ''}):\n\n{_fenced(Q_LABEL, program.code)}\n\n"
            f"Some calls of P and their results:\n{_examples(program)}")


_RULES = """\
Rules for Q:
- Q is a complete Haskell file defining `{entry} :: {type}` (same name, same type) and any helper \
functions and data types it needs (declare data types that appear in the entry's type exactly as P \
does). Q's entry must be its only top-level function that no other definition uses.
- Q must be genuinely different from P: a copy of P with renamed variables, changed layout or \
comments is rejected.
- Pure Haskell only: no IO, no unsafe functions, no Template Haskell, no compiler pragmas; imports \
only from standard pure modules such as Data.List, Data.Char and Data.Maybe."""


def _input_shape(program: "Program") -> str:
    if program.arity == 1:
        return f"one Haskell expression, the argument of `{program.entry}`"
    return (f"{program.arity} Haskell expressions, one per line, the arguments of `{program.entry}` "
            f"in order")


def alice_sinq(program: "Program") -> list[dict]:
    """Alice's prompt for an inequivalent variant Q with a diverging input."""
    arg_lines = "\n".join(f"<argument {i}>" for i in range(1, program.arity + 1))
    content = f"""\
You are Alice. You write tricky variants of Haskell programs for a reviewer, Bob, who must decide \
whether two programs are equivalent. This time, write a program Q that is NOT equivalent to P: Q \
should look plausible and agree with P on most inputs, but give a different result on at least \
one input. Subtle differences (a boundary case, an off-by-one, an edge case such as an empty list \
or a negative number) make the best variants.

{_program_block(program)}

{_RULES.format(entry=program.entry, type=program.type)}

Then give one input on which P and Q differ: {_input_shape(program)}. Write negative numbers \
in parentheses, e.g. (-3). hsx runs both programs on this input: they differ when they return \
different values, or when one returns a value and the other raises an exception. Both raising, or \
not terminating within a second, does not count.

Think it through, then answer in exactly this format (the last two fenced blocks of your answer \
are read):

{_fenced(Q_LABEL, "<the complete program Q>")}

{_fenced(INPUT_LABEL, arg_lines)}"""
    return [{"role": "user", "content": content}]


def alice_seq(program: "Program", lh_skeleton: str) -> list[dict]:
    """Alice's prompt for an equivalent variant Q with a Liquid Haskell proof.  `lh_skeleton` is
    the module hsx assembles for the pair (P, P): the text of `Verifier.lh_module`, with the
    proof marker where her proof will go."""
    content = f"""\
You are Alice. You write variants of Haskell programs for a reviewer, Bob, who must decide \
whether two programs are equivalent. This time, write a program Q that IS equivalent to P (the \
same result as P on every input) but is written differently: another algorithm, another \
recursion scheme, an accumulator, other helper functions or another case analysis. Then prove \
the equivalence in Liquid Haskell.

{_program_block(program)}

{_RULES.format(entry=program.entry, type=program.type)}
- Liquid Haskell must be able to reflect Q: write every function by direct recursion with pattern \
matching, if/case/guards, arithmetic and comparisons. Lambdas, `where`/`let`-bound helper \
functions and library functions such as map, filter, foldr, sum, length, show or ++ cannot be \
reflected: define your own top-level helpers instead. Liquid Haskell treats Int as mathematical \
integers (no overflow).

How hsx checks the proof: it builds one Liquid Haskell module holding P (program A), Q (program \
B) and a theorem `{THEOREM}` that it states itself. Here is that module, with a copy of P standing \
in for Q. In the real module your Q replaces program B, and every top-level name of Q that P also \
defines gets `_b` appended (so Q's entry `{program.entry}` becomes `{program.entry}_b`, as in the \
theorem below). Your proof is inserted after the last line (the proof marker).

{_fenced(Q_LABEL, lh_skeleton)}

The proof is Haskell declarations only:
- the equations of `{THEOREM}` (its signatures are hsx's: do not write them again);
- optionally helper lemmas, each with its own Liquid Haskell signature `{{-@ lemma :: ... @-}}` \
and Haskell signature, and helper functions;
- use Language.Haskell.Liquid.ProofCombinators: `()`, `trivial`, `===`, `***`, `QED`, `?`, `&&&`; \
with PLE on, many equations hold by `()` after a case split and recursive calls on smaller \
arguments (the induction hypothesis).
Forbidden (the proof is rejected before it runs): `assume`, `ignore`, `lazy`, `trust` or any other \
escape annotation; any pragma (`{{-# ... #-}}`, `{{-@ LIQUID ... @-}}`); a second signature for \
`{THEOREM}`; `reflect`/`measure`/`inline` annotations or signatures for P's or Q's functions; \
`undefined`, `unsafeCoerce`, `==!`, `Admit`.

Think it through, then answer in exactly this format (the last two fenced blocks of your answer \
are read):

{_fenced(Q_LABEL, "<the complete program Q>")}

{_fenced(PROOF_LABEL, f"{THEOREM} ... = ...")}"""
    return [{"role": "user", "content": content}]


def _clip(feedback: str) -> str:
    feedback = feedback.strip()
    if len(feedback) <= MAX_FEEDBACK_CHARS:
        return feedback
    half = MAX_FEEDBACK_CHARS // 2
    return feedback[:half] + "\n[... message shortened ...]\n" + feedback[-half:]


def alice_repair(previous_conversation: list[dict], previous_answer: str,
                 verifier_feedback: str) -> list[dict]:
    """The previous conversation, Alice's rejected answer and hsx's classified error, with a
    request to answer again in the same format."""
    task = " ".join(m["content"] for m in previous_conversation if m.get("role") == "user")
    second = INPUT_LABEL if f"{FENCE}{INPUT_LABEL}" in task else PROOF_LABEL
    content = f"""\
hsx did not accept your answer:

{_clip(verifier_feedback)}

Fix the problem and answer again in the same format: the complete program Q in a \
{FENCE}{Q_LABEL} block, then the complete {FENCE}{second} block."""
    return [*previous_conversation, {"role": "assistant", "content": previous_answer},
            {"role": "user", "content": content}]


def bob_judge(p_code: str, q_code: str) -> list[dict]:
    """Bob's prompt: are P and Q equivalent?  He reasons first and ends with the answer line."""
    content = f"""\
You are Bob, a careful reviewer of Haskell programs. Below are two programs, P and Q. Their entry \
functions have the same name and type. Decide whether P and Q are equivalent: for every possible \
input, do their entry functions give the same result? Results are the same when both return equal \
values (or both raise an error); they differ when they return different values, or when one raises \
an error and the other returns a value.

Program P:

{_fenced(Q_LABEL, p_code)}

Program Q:

{_fenced(Q_LABEL, q_code)}

Reason step by step first: look for inputs where they might differ (empty lists, zero, negative \
numbers, boundaries). Then end your answer with a final line that is exactly `{ANSWER_MARKER} {YES}` \
if they are equivalent or `{ANSWER_MARKER} {NO}` if they are not."""
    return [{"role": "user", "content": content}]


# The short prompt's answer starts with this text, given to the model as the beginning of its
# turn (the generator continues a final assistant message), so a small model cannot miss the
# format; the recorded completion includes it.
BOB_SHORT_PREFIX = ANSWER_MARKER


def bob_short(p_code: str, q_code: str) -> list[dict]:
    """Bob's short-answer prompt (`selfplay.bob_prompt = "short"`): the answer line only, no
    reasoning, so that k samples per pair fit a CPU budget with a small model.  Read back by the
    same parser as `bob_judge`."""
    content = f"""\
Are these two Haskell programs equivalent, that is, do their entry functions give the same result \
on every input?

Program P:

{_fenced(Q_LABEL, p_code)}

Program Q:

{_fenced(Q_LABEL, q_code)}

Answer with one line only: `{ANSWER_MARKER} {YES}` if they are equivalent, `{ANSWER_MARKER} {NO}` if not."""
    return [{"role": "user", "content": content}]


__all__ = ["ANSWER_MARKER", "FENCE", "INPUT_LABEL", "NO", "PROOF_LABEL", "Q_LABEL", "YES",
           "alice_repair", "alice_seq", "alice_sinq", "bob_judge", "bob_short", "BOB_SHORT_PREFIX"]


# ------------------------------------------------------------------------------------------------
# OpInstruct-HSx: Python -> Haskell translation (hsx/data/translate.py)

# Two worked examples (written for hsx): one list function, one with Maybe and a helper.
_TRANSLATE_EXAMPLES = (
    ("Write a function that returns the sum of the squares of the even numbers in a list.",
     "def sum_even_squares(numbers):\n    return sum(n * n for n in numbers if n % 2 == 0)\n",
     "sumEvenSquares :: [Int] -> Int\nsumEvenSquares xs = sum [x * x | x <- xs, even x]\n"),
    ("Write a function that returns the index of the first occurrence of a character in a string, "
     "or None if it does not occur.",
     "def find_char(s, c):\n    for i, ch in enumerate(s):\n        if ch == c:\n            return i\n"
     "    return None\n",
     "findFrom :: Int -> String -> Char -> Maybe Int\nfindFrom _ [] _ = Nothing\n"
     "findFrom i (x:xs) c\n  | x == c = Just i\n  | otherwise = findFrom (i + 1) xs c\n\n"
     "findChar :: String -> Char -> Maybe Int\nfindChar s c = findFrom 0 s c\n"),
)


def _translate_request(instruction: str, solution: str) -> str:
    return f"""\
Translate this Python solution into one self-contained Haskell function.

Task: {instruction.strip()}

{_fenced("python", solution)}

Rules:
- One entry function with a type signature, taking 1 to 5 arguments of types such as Int, \
Integer, Bool, Char, String, Double, lists, tuples, Maybe or Either, and returning such a value; \
helper functions are allowed, but the entry must be the only top-level function that no other \
definition uses.
- Pure Haskell only: no IO, no `main`, no unsafe functions, no Template Haskell, no pragmas; \
imports only from standard pure modules such as Data.List, Data.Char and Data.Maybe.
- The function must terminate on every input.

Answer with the complete Haskell code in one {FENCE}{Q_LABEL} block."""


def translate_python(item) -> list[dict]:
    """The few-shot prompt that asks for a Haskell translation of one Python instruction item
    (`hsx.data.sources.PythonItem`: its `instruction` and Python `solution`).  The examples are earlier
    user/assistant turns, so a chat model sees the answer format twice before its own turn."""
    messages: list[dict] = []
    for instruction, python, haskell in _TRANSLATE_EXAMPLES:
        messages.append({"role": "user", "content": _translate_request(instruction, python)})
        messages.append({"role": "assistant", "content": _fenced(Q_LABEL, haskell)})
    messages.append({"role": "user", "content": _translate_request(item.instruction, item.solution)})
    return messages


# ------------------------------------------------------------------------------------------------
# Evaluation (hsx/eval/items.py): EquiBench, PySecDB, HumanEval-hs.  Held-out Haskell pairs use
# `bob_judge` itself, so the evaluation asks exactly what self-play trained.

_YES_NO_LINE = (f"Reason step by step first. Then end your answer with a final line that is exactly "
                f"`{ANSWER_MARKER} {YES}` if {{yes}} or `{ANSWER_MARKER} {NO}` if {{no}}.")

# EquiBench category -> (language, fence label, what "equivalent" means for it).  Each category
# has its own notion; one prompt calling every program "Haskell" (the reference's) states none.
_EQUIBENCH_NOTIONS = {
    "DCE": ("C", "c",
            "The second program was obtained from the first by a compiler pass. They are equivalent "
            "when, started from the same initial state, both reach the same program state (the values "
            "of all variables and memory) at every pair of corresponding points of their executions."),
    "STOKE": ("x86-64 assembly", "asm",
              "They are equivalent when, for every initial value of the registers and memory they read "
              "(the def-in set), both leave the same values in the registers that are live on exit (the "
              "live-out set). Other registers, flags and temporaries may differ."),
    "TVM": ("CUDA", "cuda",
            "They are equivalent when, launched on the same inputs, both compute the same output "
            "tensors, up to floating-point rounding (a different order of additions or multiplications "
            "that changes only the last bits of a result still counts as the same output)."),
    "OJ": ("Python", "python",
           "Both programs are solutions submitted for the programming problem stated below. They are "
           "equivalent when they print the same output for every valid input of that problem (inputs "
           "that break the problem's constraints do not matter)."),
}


def equibench_notion(category: str) -> tuple[str, str, str]:
    """(language, fence label, notion of equivalence) of an EquiBench category (OJ_A, OJ_V and
    OJ_VA share the OJ notion)."""
    key = "OJ" if category.startswith("OJ") else category
    if key not in _EQUIBENCH_NOTIONS:
        raise ValueError(f"unknown EquiBench category {category!r}: expected one of DCE, STOKE, TVM, "
                         f"OJ_A, OJ_V, OJ_VA")
    return _EQUIBENCH_NOTIONS[key]


def equibench_judge(category: str, program_1: str, program_2: str, *, problem_html: str | None = None,
                    def_in: str | None = None, live_out: str | None = None) -> list[dict]:
    """hsx's own EquiBench prompt: the category's notion of equivalence, the context it needs
    (the problem for OJ, def-in/live-out for STOKE), both programs, the answer line."""
    language, label, notion = equibench_notion(category)
    context = ""
    if problem_html:
        context += f"\n\nThe problem (HTML):\n\n{_fenced('html', problem_html)}"
    if def_in:
        context += f"\n\nDef-in (registers and memory defined on entry): {def_in}"
    if live_out:
        context += f"\n\nLive-out (registers compared on exit): {live_out}"
    content = f"""\
Decide whether the two {language} programs below are equivalent. {notion}{context}

Program 1:

{_fenced(label, program_1)}

Program 2:

{_fenced(label, program_2)}

{_YES_NO_LINE.format(yes="they are equivalent", no="they are not")}"""
    return [{"role": "user", "content": content}]


def pysecdb_judge(content: str) -> list[dict]:
    """Is this commit a security patch?"""
    text = f"""\
Below is a commit from an open-source project: its message and its diff. Decide whether it is a \
security patch, that is, whether it fixes a vulnerability (for example a memory-safety error, a \
missing bounds or permission check, an injection, a race, a denial of service, an information \
leak). Refactorings, features, performance work and ordinary bug fixes are not security patches.

{_fenced("diff", content)}

{_YES_NO_LINE.format(yes="it is a security patch", no="it is not")}"""
    return [{"role": "user", "content": text}]


def alice_complete(prompt: str) -> list[dict]:
    """Alice's HumanEval-hs prompt: complete a Haskell function from its documentation, signature
    and the head of its first equation (MultiPL-E's prompt)."""
    content = f"""\
You are Alice, an expert Haskell programmer. Complete the Haskell function below: its \
documentation, its type signature and the start of its definition are given.

{_fenced(Q_LABEL, prompt)}

Write the complete function: its type signature and all its equations, plus any helper functions \
it needs. Keep the name and the type. Pure Haskell only: no IO, no `main`, no unsafe functions, no \
Template Haskell, no pragmas; imports only from standard pure modules such as Data.List, Data.Char \
and Data.Maybe. Think it through, then answer with the code in one {FENCE}{Q_LABEL} block (the last \
such block of your answer is read)."""
    return [{"role": "user", "content": content}]

__all__ += ["alice_complete", "equibench_judge", "equibench_notion", "pysecdb_judge"]
