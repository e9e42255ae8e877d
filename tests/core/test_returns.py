import numpy as np
import pytest

from vpg_gui.algo.returns import policy_weights, reward_to_go


def test_reward_to_go_undiscounted_by_hand():
    rew = np.array([1.0, 2.0, 3.0, 10.0, 20.0])
    lengths = np.array([3, 2])
    assert reward_to_go(rew, lengths, 1.0).tolist() == [6.0, 5.0, 3.0, 30.0, 20.0]


def test_reward_to_go_discounted_by_hand():
    rew = np.array([1.0, 2.0, 3.0, 10.0, 20.0])
    lengths = np.array([3, 2])
    got = reward_to_go(rew, lengths, 0.9)
    want = [1 + 0.9 * 2 + 0.81 * 3, 2 + 0.9 * 3, 3, 10 + 0.9 * 20, 20]
    np.testing.assert_allclose(got, want)


def test_gamma_zero_is_the_immediate_reward():
    rew = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(reward_to_go(rew, np.array([2, 1]), 0.0), rew)


def test_episode_return_weighting_repeats_each_episode_total():
    # The post's example: a 5-step and an 8-step episode of reward 1 per step.
    rew = np.ones(13)
    lengths = np.array([5, 8])
    assert policy_weights(rew, lengths, 1.0, "episode-return").tolist() == [5.0] * 5 + [8.0] * 8
    assert policy_weights(rew, lengths, 1.0, "reward-to-go").tolist() == [5, 4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1]


def test_discounted_episode_return_weights_use_the_start_value():
    rew = np.ones(3)
    assert policy_weights(rew, np.array([3]), 0.5, "episode-return").tolist() == [1.75] * 3


def test_long_episode_with_small_gamma_is_exact():
    rew = np.zeros(600)
    rew[-1] = 1.0
    got = reward_to_go(rew, np.array([600]), 0.9)
    np.testing.assert_allclose(got[-3:], [0.81, 0.9, 1.0])
    assert got[0] == pytest.approx(0.9**599, rel=1e-9)


def test_unknown_weighting_is_refused():
    with pytest.raises(ValueError, match="weighting"):
        policy_weights(np.ones(2), np.array([2]), 1.0, "nope")
