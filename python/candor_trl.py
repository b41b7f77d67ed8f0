#!/usr/bin/env python3
"""Candor's TRL training entry point (the scale-out path of `candor run` with backend `trl`).

Reads a `trl_config.json` written by Candor (src/train/trl-export.ts), checks the dataset against
the digest and shape the config records, then fine-tunes with TRL's SFTTrainer or KTOTrainer and a
PEFT LoRA adapter, saves the adapter and writes `result.json`.

Run it directly (one GPU), under `accelerate launch` (several GPUs / nodes, DeepSpeed or FSDP via
the accelerate config), or as a Ray job. `--dry-run` validates config and data with the standard
library only, so it works on a machine without torch. The heavy imports happen inside `train()`.

Exit codes: 0 success, 2 bad config or data, 3 missing Python packages, 1 training error.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
import time
from typing import Any, Dict, List

FORMAT_VERSION = 2

# Candor's training config (src/train/config.ts: the YAML `training:` block, the `candor train`
# flags) → TRL / transformers field names. The only place the two vocabularies meet.
TRAINING_ARG_NAMES = {
    "epochs": "num_train_epochs",
    "lr": "learning_rate",
    "gradient_accumulation_steps": "gradient_accumulation_steps",
    "max_seq_len": "max_length",
    "warmup_ratio": "warmup_ratio",
    "weight_decay": "weight_decay",
    "max_steps": "max_steps",
    "bf16": "bf16",
    "gradient_checkpointing": "gradient_checkpointing",
    "logging_steps": "logging_steps",
    "beta": "beta",
    "desirable_weight": "desirable_weight",
    "undesirable_weight": "undesirable_weight",
}
# Not TRL arguments: `method` picks the trainer, `batch_size` is split below, `lora` becomes PEFT's LoraConfig.
NOT_TRAINING_ARGS = {"method", "batch_size", "lora"}
REQUIRED_PACKAGES = ("torch", "datasets", "transformers", "peft", "trl")
ROLES = {"system", "user", "assistant"}


class ConfigError(Exception):
    """Bad config or dataset; the message names the file, line and field."""


def load_config(path: str) -> Dict[str, Any]:
    try:
        with open(path, "r", encoding="utf-8") as handle:
            config = json.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config: {error}") from error
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}:{error.lineno}: invalid JSON: {error.msg}") from error
    _check_config(config, path)
    return config


def _require(config: Dict[str, Any], key: str, kind: Any, path: str, prefix: str = "") -> Any:
    if key not in config:
        raise ConfigError(f'{path}: field "{prefix}{key}": missing')
    value = config[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f'{path}: field "{prefix}{key}": expected {getattr(kind, "__name__", kind)}, got {type(value).__name__}')
    return value


def _inside(relative: str, path: str, field: str) -> str:
    if os.path.isabs(relative) or ".." in relative.replace("\\", "/").split("/"):
        raise ConfigError(f'{path}: field "{field}": must be a path inside the config directory')
    return relative


def _check_config(config: Any, path: str) -> None:
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    if config.get("format_version") != FORMAT_VERSION:
        raise ConfigError(f'{path}: field "format_version": expected {FORMAT_VERSION}, got {config.get("format_version")!r}')
    method = _require(config, "method", str, path)
    if method not in ("sft", "kto"):
        raise ConfigError(f'{path}: field "method": expected "sft" or "kto", got {method!r}')
    _require(config, "base_model", str, path)
    _require(config, "job_name", str, path)
    _require(config, "job_digest", str, path)
    _inside(_require(config, "output_dir", str, path), path, "output_dir")
    _inside(_require(config, "result_path", str, path), path, "result_path")
    dataset = _require(config, "dataset", dict, path)
    _inside(_require(dataset, "path", str, path, "dataset."), path, "dataset.path")
    _require(dataset, "sha256", str, path, "dataset.")
    _require(dataset, "num_samples", int, path, "dataset.")
    fmt = _require(dataset, "format", str, path, "dataset.")
    expected = {"sft": {"conversational_language_modeling"}, "kto": {"standard_unpaired_preference", "conversational_unpaired_preference"}}[method]
    if fmt not in expected:
        raise ConfigError(f'{path}: field "dataset.format": {fmt!r} does not fit method {method!r}')
    _require(config, "seed", int, path)
    _require(config, "num_processes", int, path)
    training = _require(config, "training", dict, path)
    if training.get("method") != method:
        raise ConfigError(f'{path}: field "training.method": {training.get("method")!r} differs from "method" {method!r}')
    _require(training, "batch_size", int, path, "training.")
    _require(training, "gradient_accumulation_steps", int, path, "training.")
    unknown = sorted(set(training) - set(TRAINING_ARG_NAMES) - NOT_TRAINING_ARGS)
    if unknown:
        raise ConfigError(f'{path}: field "training.{unknown[0]}": not a Candor training setting')
    lora = training.get("lora")
    if lora is not None:
        if not isinstance(lora, dict):
            raise ConfigError(f'{path}: field "training.lora": expected an object')
        _require(lora, "rank", int, path, "training.lora.")
        _require(lora, "alpha", (int, float), path, "training.lora.")


def training_arguments(config: Dict[str, Any], world_size: int) -> Dict[str, Any]:
    """SFTConfig / KTOConfig keyword arguments for this config on `world_size` processes."""
    training = config["training"]
    accumulation = training["gradient_accumulation_steps"]
    per_device, remainder = divmod(training["batch_size"], accumulation * world_size)
    if remainder or per_device < 1:
        raise ConfigError(
            f'field "training.batch_size": {training["batch_size"]} is not divisible by '
            f"gradient_accumulation_steps {accumulation} x {world_size} process(es)"
        )
    args = {TRAINING_ARG_NAMES[key]: value for key, value in training.items() if key in TRAINING_ARG_NAMES}
    args.update(
        per_device_train_batch_size=per_device,
        seed=config["seed"],
        data_seed=config["seed"],
        # The adapter is saved once at the end; intermediate checkpoints of a 1-epoch LoRA run cost more than they save.
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
    )
    return args


def lora_arguments(config: Dict[str, Any]) -> Dict[str, Any] | None:
    lora = config["training"].get("lora")
    if not lora:
        return None
    return {
        "r": lora["rank"],
        "lora_alpha": lora["alpha"],
        "lora_dropout": lora["dropout"],
        "target_modules": lora["target_modules"],
        "task_type": "CAUSAL_LM",
    }


def _messages_ok(value: Any, only_assistant: bool = False) -> bool:
    if not isinstance(value, list) or not value:
        return False
    for message in value:
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            return False
        if message["role"] not in ROLES or not isinstance(message["content"], str):
            return False
        if only_assistant and message["role"] != "assistant":
            return False
    return True


def _check_row(row: Any, fmt: str) -> str | None:
    """Returns the name of the first bad field, or None when the row has TRL's documented shape."""
    if not isinstance(row, dict):
        return "(row)"
    if fmt == "conversational_language_modeling":
        if set(row) != {"messages"}:
            return "(columns)"
        return None if _messages_ok(row["messages"]) else "messages"
    if set(row) != {"prompt", "completion", "label"}:
        return "(columns)"
    if not isinstance(row["label"], bool):
        return "label"
    if fmt == "standard_unpaired_preference":
        if not isinstance(row["prompt"], str):
            return "prompt"
        return None if isinstance(row["completion"], str) else "completion"
    if not _messages_ok(row["prompt"]):
        return "prompt"
    return None if _messages_ok(row["completion"], only_assistant=True) else "completion"


def check_dataset(config: Dict[str, Any], base_dir: str) -> Dict[str, Any]:
    """Streams the dataset once: digest against the config (catches a file changed after export) and row shapes."""
    dataset = config["dataset"]
    path = os.path.join(base_dir, dataset["path"])
    digest = hashlib.sha256()
    rows = 0
    labels = {"desirable": 0, "undesirable": 0}
    try:
        with open(path, "rb") as handle:
            for line_number, raw in enumerate(handle, start=1):
                digest.update(raw)
                if not raw.strip():
                    continue
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError as error:
                    raise ConfigError(f"{path}:{line_number}: invalid JSON: {error.msg}") from error
                bad = _check_row(row, dataset["format"])
                if bad is not None:
                    raise ConfigError(f'{path}:{line_number}: field "{bad}": not in TRL format {dataset["format"]}')
                if "label" in row:
                    labels["desirable" if row["label"] else "undesirable"] += 1
                rows += 1
    except OSError as error:
        raise ConfigError(f"{path}: cannot read dataset: {error}") from error
    if digest.hexdigest() != dataset["sha256"]:
        raise ConfigError(f'{path}: file changed since export (sha256 {digest.hexdigest()} differs from "dataset.sha256")')
    if rows != dataset["num_samples"]:
        raise ConfigError(f'{path}: {rows} rows, but "dataset.num_samples" says {dataset["num_samples"]}')
    summary: Dict[str, Any] = {"path": path, "rows": rows}
    if config["method"] == "kto":
        summary["labels"] = labels
    return summary


def missing_packages() -> List[str]:
    import importlib.util

    return [name for name in REQUIRED_PACKAGES if importlib.util.find_spec(name) is None]


def _known_fields(config_class: Any, args: Dict[str, Any]) -> Dict[str, Any]:
    """Keeps the arguments the installed TRL knows; renamed fields across TRL versions are mapped."""
    names = {field.name for field in dataclasses.fields(config_class)}
    out = dict(args)
    if "max_length" in out and "max_length" not in names and "max_seq_length" in names:
        out["max_seq_length"] = out.pop("max_length")
    # transformers 5 folded warmup_ratio into warmup_steps (a float in [0, 1) is a share of the steps).
    if "warmup_ratio" in out and "warmup_ratio" not in names and "warmup_steps" in names:
        ratio = out.pop("warmup_ratio")
        if ratio:
            out["warmup_steps"] = float(ratio)
    dropped = sorted(key for key in out if key not in names)
    for key in dropped:
        print(f"candor_trl: warning: {config_class.__name__} has no field {key!r} in this TRL version; ignored", file=sys.stderr)
        out.pop(key)
    return out


def _write_json_atomic(path: str, value: Dict[str, Any]) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2)
        handle.write("\n")
    os.replace(tmp, path)


def _directory_digests(directory: str) -> Dict[str, Any]:
    """sha256 and size of every file the trainer saved (the adapter's lineage record)."""
    files = {}
    total = 0
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        size = os.path.getsize(path)
        files[name] = {"sha256": digest.hexdigest(), "bytes": size}
        total += size
    return {"files": files, "bytes": total}


def train(config: Dict[str, Any], base_dir: str) -> Dict[str, Any]:
    import torch  # noqa: F401  (imported first so a broken CUDA install fails here, clearly)
    import peft
    import transformers
    import trl
    import datasets
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoTokenizer, TrainerCallback

    datasets.disable_progress_bars()  # per-row progress bars would bury the loss lines in train.log
    method = config["method"]
    if method == "sft":
        from trl import SFTConfig as ConfigClass, SFTTrainer as TrainerClass
    else:
        try:
            from trl import KTOConfig as ConfigClass, KTOTrainer as TrainerClass
        except ImportError:  # TRL >= 1.5 moved KTO to the experimental namespace
            from trl.experimental.kto import KTOConfig as ConfigClass, KTOTrainer as TrainerClass

    output_dir = os.path.join(base_dir, config["output_dir"])
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    args = ConfigClass(**_known_fields(ConfigClass, {**training_arguments(config, world_size), "output_dir": output_dir}))
    dataset = load_dataset("json", data_files=os.path.join(base_dir, config["dataset"]["path"]), split="train")
    tokenizer = AutoTokenizer.from_pretrained(config["base_model"])
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    lora = lora_arguments(config)
    peft_config = LoraConfig(**lora) if lora else None

    losses: List[Dict[str, float]] = []

    class LossLog(TrainerCallback):
        """One JSON line per logged step, so train.log holds the loss curve whatever TRL prints."""

        def on_log(self, _args, state, _control, logs=None, **_kwargs):
            if state.is_world_process_zero and logs and "loss" in logs:
                entry = {"step": state.global_step, "loss": float(logs["loss"])}
                for key in ("learning_rate", "num_tokens"):
                    if key in logs:
                        entry[key] = float(logs[key])
                losses.append(entry)
                print("candor_trl: loss " + json.dumps(entry), flush=True)

    started = time.time()
    trainer = TrainerClass(
        model=config["base_model"],
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config,
        callbacks=[LossLog()],
    )
    outcome = trainer.train()
    trainer.save_model(output_dir)
    metrics = {key: float(value) for key, value in (outcome.metrics or {}).items() if isinstance(value, (int, float))}
    if losses:
        metrics.update(first_loss=losses[0]["loss"], last_loss=losses[-1]["loss"], logged_steps=float(len(losses)))
    metrics["global_steps"] = float(trainer.state.global_step)
    tokens = [entry["num_tokens"] for entry in losses if "num_tokens" in entry]
    if tokens and metrics.get("train_runtime"):
        metrics["train_tokens"] = tokens[-1]
        metrics["train_tokens_per_second"] = tokens[-1] / metrics["train_runtime"]
    if torch.cuda.is_available():
        metrics["peak_cuda_memory_bytes"] = float(torch.cuda.max_memory_allocated())
    import resource

    metrics["peak_rss_bytes"] = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    saved = _directory_digests(output_dir) if trainer.is_world_process_zero() else {"files": {}, "bytes": 0}
    metrics["adapter_bytes" if lora else "model_bytes"] = float(saved["bytes"])
    return {
        "is_main_process": bool(trainer.is_world_process_zero()),
        "result": {
            "status": "succeeded",
            "job_name": config["job_name"],
            "job_digest": config["job_digest"],
            "method": method,
            "base_model": config["base_model"],
            "adapter": bool(lora),
            "output_dir": config["output_dir"],
            "saved_files": saved["files"],
            "loss_curve": losses,
            "metrics": metrics,
            "device": str(trainer.args.device),
            "wall_seconds": time.time() - started,
            "versions": {
                "trl": trl.__version__,
                "transformers": transformers.__version__,
                "peft": peft.__version__,
                "torch": torch.__version__,
            },
        },
    }


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="candor_trl.py",
        description="Fine-tune a model with TRL (SFT or KTO, PEFT LoRA) from a Candor trl_config.json.",
    )
    parser.add_argument("--config", required=True, help="path to trl_config.json written by Candor")
    parser.add_argument("--dry-run", action="store_true", help="validate config and dataset only (no torch needed)")
    options = parser.parse_args(argv)

    config_path = os.path.abspath(options.config)
    base_dir = os.path.dirname(config_path)
    try:
        config = load_config(config_path)
        summary = check_dataset(config, base_dir)
        plan_args = training_arguments(config, int(os.environ.get("WORLD_SIZE", "1")))
    except ConfigError as error:
        print(f"candor_trl: {error}", file=sys.stderr)
        return 2

    plan = {
        "job_name": config["job_name"],
        "job_digest": config["job_digest"],
        "method": config["method"],
        "base_model": config["base_model"],
        "dataset": summary,
        "seed": config["seed"],
        "training": config["training"],
        "training_arguments": plan_args,
        "lora_arguments": lora_arguments(config),
    }
    if options.dry_run:
        print(json.dumps({"dry_run": True, **plan}, indent=2))
        return 0

    missing = missing_packages()
    if missing:
        print(
            "candor_trl: missing Python packages: " + ", ".join(missing)
            + " (install with: pip install torch transformers datasets peft trl accelerate)",
            file=sys.stderr,
        )
        return 3

    print(f"candor_trl: training {config['method']} on {summary['rows']} rows from {config['base_model']}", flush=True)
    outcome = train(config, base_dir)
    if outcome["is_main_process"]:
        _write_json_atomic(os.path.join(base_dir, config["result_path"]), outcome["result"])
        print(f"candor_trl: saved to {os.path.join(base_dir, config['output_dir'])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
