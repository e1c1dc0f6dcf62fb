"""Greedy decoding of Qwen3 and Llama models from a static KV cache, one CUDA graph per bucketed shape.

    decoder = StaticDecoder.for_model(model)        # None when the model is not a plain Qwen3 or Llama
    new_ids = decoder.generate(input_ids, attention_mask, max_new_tokens=256, eos_id=eos)

transformers' generate launches hundreds of small kernels per token from Python (26.6 tok/s at batch 1 on
an H100 with the dynamic cache), and its static-cache path compiles for ~50 s per shape. Here the step
that adds one token to every row is written against the model's own weights, runs on a cache whose shape
is bucketed (batch up to a power of two, length up to a multiple of 256), and is captured as one CUDA
graph the first time a bucket is used. Between tokens the host does nothing: the next token, the
positions, the cache slot and the mask advance on the device, and the host only checks every
CHECK_EVERY tokens whether every row has ended its turn. Because it reads weights rather than calling the
modules, it runs the same whether or not Unsloth has patched transformers' Qwen3 classes.

On a CPU it runs without graphs and without buckets (the batch and cache as they are): there it saves
transformers' cache growth (the dynamic cache is concatenated again at every token): 48 s against 102-108 s
for 50 training prompts of smollm2-135m in one batch, 224 new tokens, 2 cores, the same text
(docs/benchmarks.md). A PEFT model with an unmerged LoRA adapter (what a CPU run evaluates) is decoded through
its LoRA layers, as peft computes them.
tests/test_decode.py holds it to transformers' generate on the tiny model (on CPU, without graphs), with and
without an adapter.
"""
from __future__ import annotations

from persona.decode_model import Dims, project, rms_norm, rope_table, rotate, unsupported, unwrapped

BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64)
"""Batch sizes a graph is captured for; a batch is padded up to the next one."""
LENGTH_MULTIPLE = 256
"""Cache lengths (prompt + new tokens) are rounded up to a multiple of this."""
CHECK_EVERY = 16
"""Tokens between host checks for "every row has ended its turn" (each check waits for the GPU)."""
MAX_STATES = 4
"""Buckets kept alive at once (each holds a KV cache and a graph); the oldest is dropped first."""


def batch_bucket(n: int) -> int:
    """The smallest bucket that holds n rows; beyond the largest, the next multiple of it."""
    for size in BATCH_BUCKETS:
        if n <= size:
            return size
    return -(-n // BATCH_BUCKETS[-1]) * BATCH_BUCKETS[-1]


def length_bucket(n: int, multiple: int = LENGTH_MULTIPLE) -> int:
    return -(-n // multiple) * multiple


class _State:
    """The buffers of one (batch, length) bucket: KV cache, mask, positions, outputs, and its graph."""

    def __init__(self, model, dims: Dims, batch: int, length: int):
        import torch

        weight = model.get_input_embeddings().weight
        device, dtype = weight.device, weight.dtype
        shape = (batch, dims.kv_heads, length, dims.head_dim)
        self.keys = [torch.zeros(shape, dtype=dtype, device=device) for _ in model.model.layers]
        self.values = [torch.zeros(shape, dtype=dtype, device=device) for _ in model.model.layers]
        self.mask = torch.zeros((batch, 1, 1, length), dtype=torch.bool, device=device)
        self.cos, self.sin = rope_table(length, dims, dtype, device)
        long = dict(dtype=torch.long, device=device)
        self.ids, self.pos = torch.zeros((batch, 1), **long), torch.zeros((batch, 1), **long)
        self.slot, self.step = torch.zeros(1, **long), torch.zeros(1, **long)
        self.out = torch.zeros((batch, length), **long)
        self.done = torch.zeros(batch, dtype=torch.bool, device=device)
        self.eos = torch.full((), -1, **long)
        self.batch, self.length, self.graph = batch, length, None


class StaticDecoder:
    """Greedy generation for one model; buckets (and their graphs) live as long as the decoder."""

    def __init__(self, model, *, graphs: bool | None = None):
        model = unwrapped(model)
        self.model, self.dims = model, Dims.of(model.config)
        device = model.get_input_embeddings().weight.device
        self.graphs = device.type == "cuda" if graphs is None else graphs
        self.states: dict[tuple[int, int], _State] = {}
        self.captures = 0

    @classmethod
    def for_model(cls, model) -> "StaticDecoder | None":
        """The decoder kept on the model (built on first use), or None when the model is unsupported."""
        if unsupported(model) is not None:
            return None
        decoder = model.__dict__.get("_persona_decoder")
        if decoder is None:
            decoder = model.__dict__["_persona_decoder"] = cls(model)
        return decoder

    def generate(self, input_ids, attention_mask, *, max_new_tokens: int, eos_id: int, on_tokens=None):
        """New token ids, one row per prompt (left-padded input); rows may run past their end-of-turn.
        `on_tokens(n)`, when given, hears every CHECK_EVERY tokens how many new tokens were added since."""
        import torch

        with torch.inference_mode(False), torch.no_grad():
            rows, prompt = input_ids.shape
            state = self._state(rows, prompt + max_new_tokens)
            self._prefill(state, _pad_rows(input_ids, state.batch), _pad_rows(attention_mask, state.batch), eos_id)
            produced = 1
            while produced < max_new_tokens:
                state.graph.replay() if state.graph is not None else self._step(state)
                produced += 1
                if produced % CHECK_EVERY == 0:
                    if on_tokens is not None:
                        on_tokens(CHECK_EVERY)
                    if bool(state.done[:rows].all()):
                        break
            return state.out[:rows, :produced].clone()

    def _state(self, rows: int, length: int) -> _State:
        """With graphs, the bucket's state (kept, with its graph, for the next batch of that bucket); without,
        a state of exactly this shape (padding rows or cache would only cost time)."""
        if not self.graphs:
            return _State(self.model, self.dims, rows, length)
        batch, length = batch_bucket(rows), length_bucket(length)
        key = (batch, length)
        state = self.states.pop(key, None)
        if state is None:
            while len(self.states) >= MAX_STATES:
                self.states.pop(next(iter(self.states)))
            state = _State(self.model, self.dims, batch, length)
            if self.graphs:
                state.graph = self._capture(state)
        self.states[key] = state  # most recently used last
        return state

    def _capture(self, state: _State):
        import torch

        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            for _ in range(2):  # cuBLAS handles and kernels load outside the capture
                self._step(state)
        torch.cuda.current_stream().wait_stream(stream)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self._step(state)
        self.captures += 1
        return graph

    def _prefill(self, state: _State, ids, mask2d, eos_id: int) -> None:
        """Run the prompts, fill the cache, and leave the first new token where the step reads it."""
        import torch
        import torch.nn.functional as F

        batch, prompt = ids.shape
        positions = (mask2d.long().cumsum(-1) - 1).clamp(min=0)
        attend = None  # no padding: plain causal attention, no prompt x prompt mask (a long single prompt)
        if not bool(mask2d.all()):
            keep = torch.ones(prompt, prompt, dtype=torch.bool, device=ids.device).tril()
            # a padding row attends to itself, so no row is fully masked (which would give NaN)
            attend = (keep & mask2d.bool()[:, None, :]) | torch.eye(prompt, dtype=torch.bool, device=ids.device)
            attend = attend[:, None]
        cos, sin = state.cos[positions][:, None], state.sin[positions][:, None]
        for cache in (*state.keys, *state.values):
            cache.zero_()
        x = F.embedding(ids, self.model.get_input_embeddings().weight)
        for i, layer in enumerate(self.model.model.layers):
            q, k, v = self._qkv(layer, x, cos, sin)
            state.keys[i][:, :, :prompt], state.values[i][:, :, :prompt] = k, v
            groups = self.dims.heads // self.dims.kv_heads
            o = F.scaled_dot_product_attention(q, k.repeat_interleave(groups, 1), v.repeat_interleave(groups, 1),
                                               attn_mask=attend, is_causal=attend is None,
                                               scale=self.dims.head_dim ** -0.5)
            x = self._finish_layer(layer, x, o.transpose(1, 2).reshape(batch, prompt, -1))
        first = self._next_token(x[:, -1:])
        state.mask.zero_()
        state.mask[:, 0, 0, :prompt] = mask2d.bool()
        state.ids.copy_(first[:, None])
        state.pos.copy_(mask2d.long().sum(-1, keepdim=True))
        state.slot.fill_(prompt)
        state.out.zero_()
        state.out[:, 0] = first
        state.step.fill_(1)
        state.eos.fill_(eos_id)
        state.done.copy_(first == state.eos)

    def _step(self, state: _State) -> None:
        """One token for every row, all on the device (this is what the graph captures)."""
        import torch.nn.functional as F

        batch, dims = state.batch, self.dims
        state.mask.index_fill_(3, state.slot, True)
        cos, sin = state.cos[state.pos][:, None], state.sin[state.pos][:, None]
        x = F.embedding(state.ids, self.model.get_input_embeddings().weight)
        for i, layer in enumerate(self.model.model.layers):
            q, k, v = self._qkv(layer, x, cos, sin)
            state.keys[i].index_copy_(2, state.slot, k)
            state.values[i].index_copy_(2, state.slot, v)
            # grouped-query attention without copying the cache: a kv head's query heads act as its queries
            grouped = q.reshape(batch, dims.kv_heads, dims.heads // dims.kv_heads, dims.head_dim)
            o = F.scaled_dot_product_attention(grouped, state.keys[i], state.values[i], attn_mask=state.mask,
                                               scale=dims.head_dim ** -0.5)
            x = self._finish_layer(layer, x, o.reshape(batch, 1, -1))
        token = self._next_token(x)
        state.out.index_copy_(1, state.step, token[:, None])
        state.done |= token == state.eos
        state.ids.copy_(token[:, None])
        state.pos += 1
        state.slot += 1
        state.step += 1

    def _qkv(self, layer, x, cos, sin):
        a, dims = layer.self_attn, self.dims
        batch, length, _ = x.shape
        h = rms_norm(x, layer.input_layernorm.weight, dims.eps)
        q = project(a.q_proj, h).view(batch, length, dims.heads, dims.head_dim)
        k = project(a.k_proj, h).view(batch, length, dims.kv_heads, dims.head_dim)
        v = project(a.v_proj, h).view(batch, length, dims.kv_heads, dims.head_dim)
        if hasattr(a, "q_norm"):  # Qwen3 normalizes each head's query and key; Llama does not
            q, k = rms_norm(q, a.q_norm.weight, dims.eps), rms_norm(k, a.k_norm.weight, dims.eps)
        return rotate(q.transpose(1, 2), cos, sin), rotate(k.transpose(1, 2), cos, sin), v.transpose(1, 2)

    def _finish_layer(self, layer, x, attended):
        import torch.nn.functional as F

        m = layer.mlp
        x = x + project(layer.self_attn.o_proj, attended)
        h = rms_norm(x, layer.post_attention_layernorm.weight, self.dims.eps)
        return x + project(m.down_proj, F.silu(project(m.gate_proj, h)) * project(m.up_proj, h))

    def _next_token(self, x):
        import torch.nn.functional as F

        h = rms_norm(x[:, -1], self.model.model.norm.weight, self.dims.eps)
        return F.linear(h, self.model.get_output_embeddings().weight).argmax(-1)


def _pad_rows(tensor, batch: int):
    """Repeat the last row up to the bucket's batch size (the extra rows are decoded and dropped)."""
    import torch

    extra = batch - tensor.shape[0]
    return torch.cat([tensor, tensor[-1:].expand(extra, -1)]) if extra else tensor
