#!/usr/bin/env bash
# GPU check of the scale-out path: the CPU end-to-end test (test/trl-e2e.test.ts) with CUDA and
# bf16. Makes the tiny Llama on the spot (no downloads), trains SFT and KTO LoRA adapters through
# `candor train --backend trl` (SFT under `accelerate launch --mixed_precision bf16`), serves base +
# adapters with python/candor_serve.py on the GPU, and prints training tokens/s, generation
# tokens/s and peak GPU memory.
#
# Usage: bench/trl-gpu.sh            (Python: $CANDOR_TRL_PYTHON, else .venv-trl/bin/python, else python3;
#                                     it needs a CUDA build of torch plus the stack of python/requirements-trl.txt)
# Exits 2 without CUDA, before doing anything else.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
python="${CANDOR_TRL_PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x .venv-trl/bin/python ]; then python=.venv-trl/bin/python; else python=python3; fi
fi

"$python" - <<'EOF' || exit 2
import sys
try:
    import torch
except ImportError:
    sys.exit("trl-gpu: torch is not installed for this Python; set CANDOR_TRL_PYTHON or run scripts/setup-python.sh")
if not torch.cuda.is_available():
    sys.exit(f"trl-gpu: no CUDA device visible to torch {torch.__version__} (a +cpu build, or no GPU); this check needs a GPU")
if not torch.cuda.is_bf16_supported():
    sys.exit(f"trl-gpu: {torch.cuda.get_device_name(0)} does not support bf16")
print(f"trl-gpu: {torch.cuda.get_device_name(0)}, torch {torch.__version__}, CUDA {torch.version.cuda}")
EOF

work="$(mktemp -d "${TMPDIR:-/tmp}/candor-trl-gpu-XXXXXX")"
export CANDOR_TRL_VENV="$(cd "$(dirname "$python")/.." && pwd)"   # accelerate from the same environment
started=$(date +%s)
node --import tsx scripts/world-corpus.ts --out "$work/corpus" --samples 4000 --kto 512 >/dev/null
"$python" scripts/make-tiny-llama.py --corpus "$work/corpus/corpus.jsonl" --out "$work/model" \
  --pretrain-steps 300 --device cuda --dtype bfloat16 | tail -1

common=(--backend trl --python "$python" --model "$work/model" --lora --batch-size 16 --epochs 1
  --max-seq-len 512 --logging-steps 10 --quiet)
node bin/candor.mjs train sft "${common[@]}" --accelerate 1 --data "$work/corpus/corpus.jsonl" --out "$work/sft" >"$work/sft.json"
node bin/candor.mjs train kto "${common[@]}" --data "$work/corpus/kto.jsonl" --out "$work/kto" >"$work/kto.json"

port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" python/candor_serve.py --model "$work/model" --served-model-name tiny --device cuda --dtype bfloat16 \
  --lora-modules "sft=$work/sft/adapter" "kto=$work/kto/adapter" --port "$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT

"$python" - "$work" "$port" <<'EOF'
import json, sys, time, urllib.request

work, port = sys.argv[1], int(sys.argv[2])
base = f"http://127.0.0.1:{port}"

def call(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)

for _ in range(240):
    try:
        call("/v1/models")
        break
    except OSError:
        time.sleep(0.5)
else:
    sys.exit(f"trl-gpu: candor_serve did not start; see {work}/serve.log")

for method in ("sft", "kto"):
    metrics = json.load(open(f"{work}/{method}.json"))["metrics"]
    line = f"{method}: loss {metrics.get('first_loss', float('nan')):.3f} -> {metrics.get('last_loss', float('nan')):.3f} over {metrics.get('global_steps', 0):.0f} steps, {metrics.get('train_runtime', 0):.1f} s"
    if "train_tokens_per_second" in metrics:
        line += f", {metrics['train_tokens_per_second']:.0f} train tokens/s"
    line += f", peak GPU memory {metrics.get('peak_cuda_memory_bytes', 0) / 2**20:.0f} MiB, adapter {metrics.get('adapter_bytes', 0) / 1024:.0f} KiB"
    print(line)

questions = [row["prompt"][0]["content"] for row in map(json.loads, open(f"{work}/corpus/kto.jsonl"))][:64]
for model in ("tiny", "sft", "kto"):
    tokens, started = 0, time.time()
    for question in questions:
        answer = call("/v1/chat/completions", {"model": model, "messages": [{"role": "user", "content": question}], "max_tokens": 64, "temperature": 0})
        tokens += answer["usage"]["completion_tokens"]
    elapsed = time.time() - started
    print(f"serve {model}: {len(questions)} requests, {tokens} tokens, {tokens / elapsed:.0f} generated tokens/s (one request at a time)")
stats = call("/stats")
print(f"serve: peak GPU memory {stats.get('peak_cuda_memory_bytes', 0) / 2**20:.0f} MiB")
EOF
echo "trl-gpu: done in $(( $(date +%s) - started )) s; files under $work"
