#!/usr/bin/env python3
"""Builds a tiny Llama-architecture model in Hugging Face format, made here and never downloaded.

The tokenizer is a byte-level BPE (the `tokenizers` library) trained on the world corpus that
scripts/world-corpus.ts writes, with a chat template; the model is a randomly initialised
LlamaForCausalLM of a few hundred thousand parameters. Everything is deterministic from --seed.
With --pretrain-steps N it is then trained on the corpus (next-token loss, batches of 32) for N steps,
so its answers are words of the world rather than noise. A step count, not a time, keeps the weights
a function of the seed: about 80 steps take the loss from 7.6 to about 2.5; a few hundred (a few
minutes on a laptop CPU) go further.

    python scripts/make-tiny-llama.py --corpus <dir>/corpus.jsonl --out <dir> [--seed 1] [--pretrain-steps 80]
    python scripts/make-tiny-llama.py ... --device cuda --dtype bfloat16   (GPU check, bench/trl-gpu.sh)
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from typing import Dict, List

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "<|{{ message['role'] }}|>\n{{ message['content'] }}</s>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
SPECIAL_TOKENS = ["<pad>", "<s>", "</s>", "<unk>", "<|system|>", "<|user|>", "<|assistant|>"]


def read_chats(path: str) -> List[List[Dict[str, str]]]:
    chats = []
    with open(path, "r", encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("messages"), list):
                raise SystemExit(f'{path}:{line_number}: field "messages": expected a list of chat messages')
            chats.append(row["messages"])
    if not chats:
        raise SystemExit(f"{path}: no samples")
    return chats


def render(messages: List[Dict[str, str]]) -> str:
    """The chat template's output, in Python (training text for the tokenizer and pre-training)."""
    return "".join(f"<|{m['role']}|>\n{m['content']}</s>\n" for m in messages)


def build_tokenizer(chats: List[List[Dict[str, str]]], vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    # Message contents only: the role markers are special tokens and must not be split into merges.
    tokenizer.train_from_iterator((m["content"] for chat in chats for m in chat), trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        additional_special_tokens=["<|system|>", "<|user|>", "<|assistant|>"],
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.model_max_length = 512
    return fast


def build_model(tokenizer, seed: int, hidden: int, layers: int):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=hidden * 4,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        rms_norm_eps=1e-5,
    )
    return LlamaForCausalLM(config)


def pretrain(model, tokenizer, chats, steps: int, seed: int, device: str, dtype) -> Dict[str, float]:
    """Next-token loss on the rendered corpus with AdamW, `steps` batches of 32 drawn with the seed."""
    import torch

    rng = random.Random(seed)
    texts = [render(chat) for chat in chats]
    model.to(device=device, dtype=dtype)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    started = time.time()
    step, tokens, first, last = 0, 0, math.nan, math.nan
    while step < steps:
        batch = tokenizer(rng.sample(texts, 32), return_tensors="pt", padding=True, truncation=True, max_length=128)
        input_ids = batch["input_ids"].to(device)
        labels = input_ids.masked_fill(batch["attention_mask"].to(device) == 0, -100)
        loss = model(input_ids=input_ids, attention_mask=batch["attention_mask"].to(device), labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        value = float(loss.detach())
        first = value if step == 0 else first
        last = value
        step += 1
        tokens += int(batch["attention_mask"].sum())
        if step % 50 == 0:
            print(f"pretrain step {step} loss {value:.3f}", flush=True)
    model.eval()
    elapsed = time.time() - started
    return {"steps": step, "tokens": tokens, "seconds": elapsed, "first_loss": first, "last_loss": last, "tokens_per_second": tokens / max(elapsed, 1e-9)}


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make-tiny-llama.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="chat JSONL from scripts/world-corpus.ts")
    parser.add_argument("--out", required=True, help="output directory (Hugging Face format)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vocab-size", type=int, default=2048)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--pretrain-steps", type=int, default=0, help="optimiser steps on the corpus (default 0: random weights; 80 ≈ 20 s on a free CPU core)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    options = parser.parse_args(argv)

    import torch

    if options.device.startswith("cuda") and not torch.cuda.is_available():
        print("make-tiny-llama: --device cuda but torch sees no CUDA device", file=sys.stderr)
        return 2
    torch.use_deterministic_algorithms(True, warn_only=True)
    random.seed(options.seed)
    chats = read_chats(options.corpus)
    tokenizer = build_tokenizer(chats, options.vocab_size)
    model = build_model(tokenizer, options.seed, options.hidden, options.layers)
    summary: Dict[str, object] = {
        "out": options.out,
        "parameters": sum(p.numel() for p in model.parameters()),
        "vocab_size": len(tokenizer),
        "seed": options.seed,
    }
    if options.pretrain_steps > 0:
        summary["pretrain"] = pretrain(model, tokenizer, chats, options.pretrain_steps, options.seed, options.device, getattr(torch, options.dtype))
    model.to(device="cpu", dtype=torch.float32)
    os.makedirs(options.out, exist_ok=True)
    model.save_pretrained(options.out)
    tokenizer.save_pretrained(options.out)
    model.generation_config.save_pretrained(options.out)
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
