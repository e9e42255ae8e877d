"""algo/adam.py against torch.optim.Adam: the same weights, bit for bit, and the same state_dict."""

import torch

from vpg_gui.algo.adam import Adam


def nets():
    torch.manual_seed(0)
    a = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    b = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    b.load_state_dict(a.state_dict())
    return a, b


def test_the_weights_equal_torchs_adam_bit_for_bit_and_a_changed_lr_applies():
    ours_net, torch_net = nets()
    ours, theirs = Adam(ours_net.parameters(), lr=0.01), torch.optim.Adam(torch_net.parameters(), lr=0.01)
    gen = torch.Generator().manual_seed(1)
    for step in range(30):
        x = torch.randn(64, 4, generator=gen)
        for net, opt in ((ours_net, ours), (torch_net, theirs)):
            opt.zero_grad()
            net(x).pow(2).mean().backward()
            opt.param_groups[0]["lr"] = 0.05 if step >= 15 else 0.01
            opt.step()
    for a, b in zip(ours_net.parameters(), torch_net.parameters(), strict=True):
        assert torch.equal(a, b)
    mine, real = ours.state_dict(), theirs.state_dict()
    assert mine["state"].keys() == real["state"].keys()
    for i in real["state"]:
        assert all(torch.equal(mine["state"][i][k], real["state"][i][k]) for k in ("step", "exp_avg", "exp_avg_sq"))


def test_a_torch_adam_state_loads_and_continues_identically():
    ours_net, torch_net = nets()
    theirs = torch.optim.Adam(torch_net.parameters(), lr=0.02)
    x = torch.randn(32, 4)
    for _ in range(3):
        theirs.zero_grad()
        torch_net(x).sum().backward()
        theirs.step()
    ours_net.load_state_dict(torch_net.state_dict())
    ours = Adam(ours_net.parameters(), lr=0.5)
    ours.load_state_dict(theirs.state_dict())  # a checkpoint from before this optimizer
    assert ours.param_groups[0]["lr"] == 0.02
    for net, opt in ((ours_net, ours), (torch_net, theirs)):
        opt.zero_grad()
        net(x).sum().backward()
        opt.step()
    assert all(torch.equal(a, b) for a, b in zip(ours_net.parameters(), torch_net.parameters(), strict=True))
