"""``backprop-lab train --load DIVERGED.npz --lr 0.05`` really continues (issue #9 item 4): it goes
back to the recovery step, says so, and trains on with the new rate instead of diverging again."""
from __future__ import annotations

import json

from app.main import main


def test_a_diverged_run_loaded_with_a_lower_rate_recovers_and_says_where(capsys, tmp_path):
    path = tmp_path / "diverged.npz"
    assert main(["train", "--preset", "lr_too_high", "--save", str(path), "--quiet"]) == 1
    capsys.readouterr()
    assert main(["train", "--load", str(path), "--lr", "0.05", "--epochs", "100", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["status"] == "done" and r["recovered_to_step"] == 0 and r["recovered_to_epoch"] == 0
    assert r["epochs"] == 100 and r["config"]["learning_rate"] == 0.05
    assert r["loss_final"] < 0.1
    assert main(["train", "--load", str(path), "--lr", "0.05", "--epochs", "10"]) == 0
    assert "went back to step 0 (epoch 0), before the loss blew up" in capsys.readouterr().out


def test_without_a_new_hyperparameter_it_continues_from_the_last_finite_weights(capsys, tmp_path):
    path = tmp_path / "diverged.npz"
    main(["train", "--preset", "lr_too_high", "--save", str(path), "--quiet"])
    capsys.readouterr()
    assert main(["train", "--load", str(path), "--epochs", "5", "--json"]) == 1  # the same rate: diverges again
    r = json.loads(capsys.readouterr().out)
    assert r["recovered_to_step"] is None and r["status"] == "diverged"
