#!/usr/bin/env python3
"""A small OpenAI-compatible server for a Hugging Face causal LM with PEFT LoRA adapters.

Candor's scale-out arms are evaluated through an OpenAI-compatible endpoint (`eval_endpoint`). On a
GPU machine that is vLLM (`vllm serve BASE --enable-lora --lora-modules NAME=PATH`); this server
does the same job for small models on CPU, so the TRL path can be trained *and* evaluated end to end
without a GPU. Adapters are chosen by the request's `model` field, as in vLLM:

  * the base model answers to --served-model-name (adapters switched off);
  * `--lora-modules NAME=PATH ...` registers adapters up front;
  * `--lora-root DIR` finds adapters that appear while the server runs: a request for NAME loads the
    adapter of the finished Candor TRL job under DIR whose `trl_config.json` has job_name NAME.

Only what Candor's evaluations use is implemented: GET /v1/models, POST /v1/chat/completions
(messages, max_tokens, temperature, top_p, seed, stop; n = 1, no streaming).

    python python/candor_serve.py --model DIR --served-model-name tiny --lora-root runs/tiny-trl --port 8011
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from typing import Any, Dict, List, Optional, Tuple


class AdapterNotFound(Exception):
    pass


class PromptTooLong(Exception):
    pass


class Server:
    def __init__(self, options: argparse.Namespace) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.options = options
        self.device = options.device
        if self.device.startswith("cuda") and not torch.cuda.is_available():
            raise SystemExit("candor_serve: --device cuda but torch sees no CUDA device")
        dtype = getattr(torch, options.dtype)
        self.tokenizer = AutoTokenizer.from_pretrained(options.model)
        self.base = AutoModelForCausalLM.from_pretrained(options.model, dtype=dtype).to(self.device)
        self.base.eval()
        self.model: Any = self.base  # becomes a PeftModel once the first adapter is loaded
        self.served_name = options.served_model_name or options.model
        self.max_model_len = options.max_model_len or int(getattr(self.base.config, "max_position_embeddings", 2048))
        self.static: Dict[str, str] = {}
        for spec in options.lora_modules or []:
            name, _, path = spec.partition("=")
            if not name or not path:
                raise SystemExit(f"candor_serve: --lora-modules expects NAME=PATH, got {spec!r}")
            self.static[name] = os.path.abspath(path)
        self.loaded: Dict[str, Tuple[str, float]] = {}  # name -> (path, mtime of the weights when loaded)
        self.internal: Dict[str, str] = {}  # served name -> PEFT adapter name (PEFT refuses "." in names)
        self.lock = threading.Lock()
        self.generated_tokens = 0

    # --- adapters -------------------------------------------------------------------------------
    def _find_in_root(self, name: str) -> Optional[str]:
        root = self.options.lora_root
        if not root or not os.path.isdir(root):
            return None
        for directory, _subdirs, files in os.walk(root):
            if "trl_config.json" not in files or "result.json" not in files:
                continue
            try:
                with open(os.path.join(directory, "trl_config.json"), "r", encoding="utf-8") as handle:
                    config = json.load(handle)
            except (OSError, json.JSONDecodeError):
                continue
            if config.get("job_name") != name or not (config.get("training") or {}).get("lora"):
                continue
            adapter = os.path.join(directory, config.get("output_dir", "adapter"))
            if os.path.isfile(os.path.join(adapter, "adapter_config.json")):
                return adapter
        return None

    def adapter_path(self, name: str) -> str:
        path = self.static.get(name) or self._find_in_root(name)
        if path is None:
            raise AdapterNotFound(f"The model `{name}` does not exist.")
        return path

    def _weights_mtime(self, path: str) -> float:
        for file in ("adapter_model.safetensors", "adapter_model.bin"):
            full = os.path.join(path, file)
            if os.path.exists(full):
                return os.path.getmtime(full)
        return 0.0

    def _activate(self, name: str) -> None:
        from peft import PeftModel

        path = self.adapter_path(name)
        mtime = self._weights_mtime(path)
        current = self.loaded.get(name)
        internal = self.internal.setdefault(name, f"adapter_{len(self.internal)}")
        if current != (path, mtime):
            if current is not None:
                self.model.delete_adapter(internal)  # retrained under the same name: load the new weights
            if self.model is self.base:
                self.model = PeftModel.from_pretrained(self.base, path, adapter_name=internal)
            else:
                self.model.load_adapter(path, adapter_name=internal)
            self.model.eval()
            self.loaded[name] = (path, mtime)
            print(f"candor_serve: loaded adapter {name} from {path}", flush=True)
        self.model.set_adapter(internal)

    def model_names(self) -> List[str]:
        return [self.served_name, *sorted(set(self.static) | set(self.loaded))]

    # --- generation -----------------------------------------------------------------------------
    def chat(self, body: Dict[str, Any]) -> Dict[str, Any]:
        torch = self.torch
        name = body.get("model") or self.served_name
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise ValueError("messages must be a non-empty list")
        prompt_ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=False)
        if hasattr(prompt_ids, "input_ids"):
            prompt_ids = prompt_ids["input_ids"]
        prompt_len = len(prompt_ids)
        room = self.max_model_len - prompt_len
        if room < 1:
            raise PromptTooLong(f"This model's maximum context length is {self.max_model_len} tokens; the prompt has {prompt_len}.")
        max_new = min(int(body.get("max_tokens") or self.options.default_max_tokens), room)
        if self.options.max_tokens_cap:
            max_new = min(max_new, self.options.max_tokens_cap)
        temperature = float(body.get("temperature") if body.get("temperature") is not None else 1.0)
        top_p = float(body.get("top_p") if body.get("top_p") is not None else 1.0)
        with self.lock:
            if name == self.served_name:
                context: Any = self.model.disable_adapter() if self.model is not self.base else _null_context()
            else:
                self._activate(name)
                context = _null_context()
            if body.get("seed") is not None:
                torch.manual_seed(int(body["seed"]))
            inputs = torch.tensor([prompt_ids], device=self.device)
            with context, torch.no_grad():
                output = self.model.generate(
                    input_ids=inputs,
                    attention_mask=torch.ones_like(inputs),
                    max_new_tokens=max_new,
                    do_sample=temperature > 0,
                    temperature=temperature if temperature > 0 else None,
                    top_p=top_p if temperature > 0 else None,
                    top_k=None,
                    eos_token_id=self.tokenizer.eos_token_id,
                    pad_token_id=self.tokenizer.pad_token_id,
                )
        new_tokens = output[0][prompt_len:].tolist()
        finish = "length"
        if self.tokenizer.eos_token_id in new_tokens:
            new_tokens = new_tokens[: new_tokens.index(self.tokenizer.eos_token_id)]
            finish = "stop"
        text = self.tokenizer.decode(new_tokens, skip_special_tokens=True)
        stops = body.get("stop") or []
        for stop in [stops] if isinstance(stops, str) else stops:
            if stop and stop in text:
                text, finish = text[: text.index(stop)], "stop"
        self.generated_tokens += len(new_tokens)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": name,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt_len, "completion_tokens": len(new_tokens), "total_tokens": prompt_len + len(new_tokens)},
        }


class _null_context:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: Any) -> None:
        return None


def create_app(server: Server):
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    app = FastAPI(title="candor_serve")

    def error(status: int, message: str, kind: str) -> JSONResponse:
        return JSONResponse(status_code=status, content={"error": {"message": message, "type": kind, "code": status}})

    @app.get("/health")
    def health() -> Dict[str, str]:
        return {"status": "ok"}

    @app.get("/stats")
    def stats() -> Dict[str, Any]:
        """Generated tokens and peak accelerator memory (bench/trl-gpu.sh)."""
        torch = server.torch
        out: Dict[str, Any] = {"generated_tokens": server.generated_tokens, "device": server.device}
        if server.device.startswith("cuda"):
            out["peak_cuda_memory_bytes"] = torch.cuda.max_memory_allocated()
        return out

    @app.get("/v1/models")
    def models() -> Dict[str, Any]:
        return {"object": "list", "data": [{"id": name, "object": "model", "owned_by": "candor"} for name in server.model_names()]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return error(400, "request body is not JSON", "invalid_request_error")
        if body.get("stream"):
            return error(400, "streaming is not supported by candor_serve", "invalid_request_error")
        import anyio

        try:
            return await anyio.to_thread.run_sync(server.chat, body)
        except AdapterNotFound as exc:
            return error(404, str(exc), "NotFoundError")
        except (PromptTooLong, ValueError) as exc:
            return error(400, str(exc), "BadRequestError")
        except Exception as exc:  # one line in the log and a JSON error, not a traceback per request
            print(f"candor_serve: error: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            return error(500, f"{type(exc).__name__}: {exc}", "InternalServerError")

    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="candor_serve.py", description="OpenAI-compatible server for a Hugging Face model with LoRA adapters.")
    parser.add_argument("--model", required=True, help="base model directory (Hugging Face format)")
    parser.add_argument("--served-model-name", help="name the base model answers to (default: --model)")
    parser.add_argument("--lora-modules", nargs="*", metavar="NAME=PATH", help="adapters to serve by name")
    parser.add_argument("--lora-root", help="directory searched for finished Candor TRL jobs when an unknown model name is asked for")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    parser.add_argument("--max-model-len", type=int, help="context length: prompt + answer (default: the model's max_position_embeddings)")
    parser.add_argument("--default-max-tokens", type=int, default=256, help="answer length when a request names none")
    parser.add_argument("--max-tokens-cap", type=int, help="answers stop after this many tokens whatever a request asks (CPU smoke runs)")
    options = parser.parse_args(argv)

    import uvicorn

    server = Server(options)
    print(f"candor_serve: {server.served_name} on {options.device}, context {server.max_model_len}", flush=True)
    uvicorn.run(create_app(server), host=options.host, port=options.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
