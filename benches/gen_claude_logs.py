#!/usr/bin/env python3
"""Writes a synthetic Claude Code transcript (JSONL) of a given size for
benches/logs.sh, and the totals a correct reader must find in it.

Standard library only. The shape follows Claude Code's transcripts: user
lines (prompts and tool results of very different sizes), assistant
responses written as one line per content block and as streaming snapshots
that repeat the message id with growing output_tokens, sidechain (subagent)
lines, sidechain replays of a parent message under a new request id, API
error lines, and system, progress and file-history lines. Sessions change
every few dozen turns; timestamps run through September 2026.

Usage: gen_claude_logs.py --bytes N --out FILE --expect EXPECT.json [--seed S]
"""

import argparse
import json
import random

MODELS = [("claude-sonnet-4-5-20250929", 0.8), ("claude-haiku-4-5-20251001", 0.2)]
WORDS = (
    "the parser reads each line of the log and counts tokens by class while the cache "
    "keeps the prompt warm for five minutes unless the agent waits longer between turns "
    "fn main() { let total = lines.iter().map(|l| l.len()).sum::<usize>(); } error[E0308] "
    "mismatched types expected u64 found usize test result ok 42 passed 0 failed"
).split()


def text(rng, n):
    """About n bytes of plausible text."""
    out, size = [], 0
    while size < n:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    # A pool of text blocks so that generation is fast but sizes vary.
    pool = {n: [text(rng, n) for _ in range(8)] for n in (80, 300, 1200, 4000, 12000, 30000)}

    def block(n):
        sizes = sorted(pool)
        size = min(sizes, key=lambda s: abs(s - n))
        return rng.choice(pool[size])

    final = {}  # message id -> final usage (the snapshot with the most output)
    lines = 0
    errors = 0
    written = 0
    session = 0
    turn = 0
    context = 20000
    ts = 1788220800.0  # 2026-09-01T00:00:00Z
    parent_messages = []

    def stamp():
        secs = int(ts)
        ms = int((ts - secs) * 1000)
        import time as _t
        return _t.strftime("%Y-%m-%dT%H:%M:%S", _t.gmtime(secs)) + ".%03dZ" % ms

    with open(args.out, "w", encoding="utf-8") as f:

        def emit(obj):
            nonlocal written, lines
            s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
            f.write(s)
            f.write("\n")
            written += len(s) + 1
            lines += 1

        while written < args.bytes:
            if turn % 40 == 0:
                session += 1
                context = 20000
                parent_messages = []
            turn += 1
            sid = "sess-%06d" % session
            base = {
                "isSidechain": False,
                "userType": "external",
                "cwd": "/home/dev/project-%d" % (session % 17),
                "sessionId": sid,
                "version": "2.1.230",
                "gitBranch": "main",
            }
            ts += rng.uniform(2, 90)
            # The user's line: a prompt or a tool result of very different sizes.
            if rng.random() < 0.3:
                content = block(rng.choice([80, 300, 1200]))
            else:
                content = [{"type": "tool_result", "tool_use_id": "toolu_%d" % turn,
                            "content": block(rng.choice([300, 1200, 4000, 12000, 30000]))}]
            emit({"parentUuid": "a-%d" % (turn - 1), **base, "type": "user",
                  "message": {"role": "user", "content": content},
                  "uuid": "u-%d" % turn, "timestamp": stamp()})
            if rng.random() < 0.05:
                emit({"parentUuid": "u-%d" % turn, **base, "type": "system", "subtype": "info",
                      "content": "Auto-compact in 3%", "uuid": "y-%d" % turn, "timestamp": stamp()})
            if rng.random() < 0.05:
                emit({"type": "file-history-snapshot", "messageId": "u-%d" % turn,
                      "snapshot": {"trackedFileBackups": {}, "timestamp": stamp()}, "isSnapshotUpdate": False})
            if rng.random() < 0.005:
                errors += 1
                emit({"parentUuid": "u-%d" % turn, **base, "type": "assistant", "uuid": "e-%d" % turn,
                      "timestamp": stamp(), "requestId": "req_err_%d" % turn, "isApiErrorMessage": True,
                      "message": {"id": "msg_err_%d" % turn, "type": "message", "role": "assistant",
                                  "model": "<synthetic>", "content": [{"type": "text", "text": "API Error: 529 Overloaded"}],
                                  "stop_reason": "stop_sequence",
                                  "usage": {"input_tokens": 0, "output_tokens": 0,
                                            "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}})
                continue
            sidechain = rng.random() < 0.15
            model = MODELS[0][0] if rng.random() < MODELS[0][1] else MODELS[1][0]
            mid = "msg_%s_%06d" % (sid, turn)
            rid = "req_%s_%06d" % (sid, turn)
            written_tokens = rng.choice([0, 0, 0, rng.randint(200, 6000)])
            one_hour = written_tokens if rng.random() < 0.2 else 0
            usage = {
                "input_tokens": rng.randint(1, 40),
                "cache_creation_input_tokens": written_tokens,
                "cache_read_input_tokens": context,
                "cache_creation": {"ephemeral_5m_input_tokens": written_tokens - one_hour,
                                   "ephemeral_1h_input_tokens": one_hour},
                "output_tokens": 0,
                "service_tier": "standard",
            }
            context += written_tokens + rng.randint(100, 3000)
            if context > 180000:
                context = 30000
            blocks = []
            if rng.random() < 0.5:
                blocks.append({"type": "thinking", "thinking": block(rng.choice([300, 1200, 4000])), "signature": "sig"})
            blocks.append({"type": "text", "text": block(rng.choice([80, 300, 1200]))})
            for k in range(rng.choice([0, 1, 1, 2, 3])):
                blocks.append({"type": "tool_use", "id": "toolu_%s_%d_%d" % (sid, turn, k), "name": "Bash",
                               "input": {"command": block(80)}})
            output = 0
            head = dict(base, isSidechain=sidechain)
            for i, b in enumerate(blocks):
                # Streaming: sometimes two snapshots of the same block.
                for _ in range(rng.choice([1, 1, 2])):
                    output += rng.randint(5, 400)
                    usage["output_tokens"] = output
                    last = i == len(blocks) - 1
                    emit({"parentUuid": "u-%d" % turn, **head, "type": "assistant", "uuid": "a-%d-%d" % (turn, i),
                          "timestamp": stamp(), "requestId": rid,
                          "message": {"id": mid, "type": "message", "role": "assistant", "model": model,
                                      "content": [b], "stop_reason": ("tool_use" if b["type"] == "tool_use" else "end_turn") if last else None,
                                      "stop_sequence": None, "usage": dict(usage)}})
            final[mid] = (usage["input_tokens"], usage["cache_creation_input_tokens"],
                          usage["cache_read_input_tokens"], output, model)
            parent_messages.append((mid, dict(usage), model, blocks[-1]))
            # A sidechain replay of an earlier parent message under a new request id.
            if sidechain and len(parent_messages) > 1 and rng.random() < 0.3:
                pm, pu, pmodel, pb = rng.choice(parent_messages[:-1])
                emit({"parentUuid": "u-%d" % turn, **dict(base, isSidechain=True), "type": "assistant",
                      "uuid": "r-%d" % turn, "timestamp": stamp(), "requestId": "req_replay_%d" % turn,
                      "message": {"id": pm, "type": "message", "role": "assistant", "model": pmodel,
                                  "content": [pb], "stop_reason": "end_turn", "stop_sequence": None, "usage": pu}})

    totals = {"input_tokens": 0, "cache_creation_tokens": 0, "cache_read_tokens": 0, "output_tokens": 0}
    by_model = {}
    for inp, cw, cr, out, model in final.values():
        totals["input_tokens"] += inp
        totals["cache_creation_tokens"] += cw
        totals["cache_read_tokens"] += cr
        totals["output_tokens"] += out
        by_model[model] = by_model.get(model, 0) + 1
    expect = {"bytes": written, "lines": lines, "responses": len(final), "api_errors": errors,
              "sessions": session, "uncached": totals, "responses_by_model": by_model}
    with open(args.expect, "w") as f:
        json.dump(expect, f, indent=2)


if __name__ == "__main__":
    main()
