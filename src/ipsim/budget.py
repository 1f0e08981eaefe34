"""The programme's money, accounted for to the cent.

Money is held in integer cents. Each budget line releases an even share of its balance
each step; the strategy's weights move released money into *commitments* (one account
per line, intervention and country); a commitment buys whole units when it can afford
them, paying coordination overhead and losing some money on the way (leakage). At any
time::

    budget = delivered + overhead + leakage + unspent

where *unspent* is what is still in the lines' balances and in commitments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ipsim.spec import REGIONS, BudgetLine, Programme

CENTS_PER_USD = 100
LINE_ORDER = {"funds_in_trust": 0, "co_funding": 1, "core": 2}
"""Earmarked money is used before flexible money."""


def usd_to_cents(usd: float) -> int:
    """Round an amount in USD to whole cents."""
    return round(usd * CENTS_PER_USD)


def _water_fill(amount: float, weights: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Share ``amount`` in proportion to ``weights`` without exceeding ``cap`` per cell."""
    alloc = np.zeros_like(weights, dtype=float)
    active = (weights > 0) & (cap > 0)
    remaining = amount
    while remaining > 0.5 and active.any():
        share = remaining * np.where(active, weights, 0.0) / weights[active].sum()
        take = np.minimum(share, cap - alloc)
        alloc += take
        remaining -= take.sum()
        active &= cap - alloc > 0.5
        if np.allclose(take, share):
            break
    return alloc


@dataclass
class StepSpending:
    """What one step bought and paid, per intervention and country (cents and units)."""

    units: np.ndarray
    delivered: np.ndarray
    overhead: np.ndarray
    leakage: np.ndarray
    partner_match: np.ndarray


class Ledger:
    """Budget lines, commitments and the totals that account for every cent.

    Args:
        programme: The programme's budget lines and overhead and leakage rules.
        codes: Country codes.
        region: Region index of each country.
        partner_weight: Relative capacity of partners to co-fund in each country.
        n_interventions: Number of intervention types.
        n_steps: Steps in the horizon.
        n_steps_per_year: Steps in a year (for lines released over fewer years).
    """

    def __init__(
        self,
        programme: Programme,
        codes: np.ndarray,
        region: np.ndarray,
        partner_weight: np.ndarray,
        n_interventions: int,
        n_steps: int,
        n_steps_per_year: int = 4,
    ):
        self.programme = programme
        self.lines: list[BudgetLine] = sorted(programme.budget, key=lambda b: LINE_ORDER[b.kind])
        n_c = len(codes)
        self.budget = np.array([usd_to_cents(b.amount_musd * 1e6) for b in self.lines], np.int64)
        self.release_steps = np.array(
            [
                n_steps
                if b.spend_years is None
                else max(1, min(n_steps, round(b.spend_years * n_steps_per_year)))
                for b in self.lines
            ]
        )
        self.balance = self.budget.copy()
        self.commitments = np.zeros((len(self.lines), n_interventions, n_c), np.int64)
        self.eligible = np.ones((len(self.lines), n_c), bool)
        self.match_ratio = np.zeros(len(self.lines))
        self.partner_room = np.zeros((len(self.lines), n_c), np.int64)
        code_index = {str(c): i for i, c in enumerate(codes)}
        for li, line in enumerate(self.lines):
            if line.kind == "funds_in_trust":
                mask = np.zeros(n_c, bool)
                for name in line.regions:
                    mask |= region == REGIONS.index(name)
                for code in line.countries:
                    if code not in code_index:
                        raise ValueError(
                            f"budget line '{line.name}' is earmarked to unknown country "
                            f"'{code}'; known: {', '.join(sorted(code_index))}"
                        )
                    mask[code_index[code]] = True
                if not mask.any():
                    raise ValueError(
                        f"budget line '{line.name}' is earmarked to regions with no country "
                        "in this world"
                    )
                self.eligible[li] = mask
            elif line.kind == "co_funding":
                self.match_ratio[li] = line.match_ratio
                total = usd_to_cents(line.partner_capacity_musd * 1e6)
                share = partner_weight / partner_weight.sum() if partner_weight.sum() else 0
                self.partner_room[li] = np.floor(total * share).astype(np.int64)
                self.eligible[li] = self.partner_room[li] > 0
        n_i = n_interventions
        self.delivered = np.zeros((n_i, n_c), np.int64)
        self.overhead = np.zeros((n_i, n_c), np.int64)
        self.leakage = np.zeros((n_i, n_c), np.int64)
        self.partner_match = np.zeros((n_i, n_c), np.int64)
        self.units = np.zeros((n_i, n_c), np.int64)

    @property
    def total_budget(self) -> int:
        """All money the programme was given, in cents."""
        return int(self.budget.sum())

    @property
    def unspent(self) -> int:
        """Money still held: line balances plus commitments, in cents."""
        return int(self.balance.sum() + self.commitments.sum())

    def accounted(self) -> bool:
        """True when budget == delivered + overhead + leakage + unspent, to the cent."""
        spent = int(self.delivered.sum() + self.overhead.sum() + self.leakage.sum())
        return self.total_budget == spent + self.unspent

    def overhead_rate(self, n_partner_countries: int) -> float:
        """Share of money spent on coordination, administration and monitoring."""
        p = self.programme
        rate = (
            p.overhead_base
            + p.overhead_per_partner * n_partner_countries
            + p.monitoring_cost * p.monitoring
        )
        return min(rate, 0.9)

    def leakage_rate(self, legal_maturity: np.ndarray) -> np.ndarray:
        """Share of money lost on the way to each country: falls with monitoring and law."""
        p = self.programme
        return np.clip(p.leakage_max * (1 - p.monitoring) * (1 - 0.5 * legal_maturity), 0, 0.9)

    def commit(
        self,
        step: int,
        weights: np.ndarray,
        room: np.ndarray,
    ) -> None:
        """Release this step's share of each line and commit it according to ``weights``.

        Money goes to cells in proportion to their weights, but no cell is given more than
        it can spend in this step (``room``, net of what it already holds): what a full cell
        cannot take goes to the other weighted cells, and what no cell can take stays in
        the line for later steps (water-filling).

        Args:
            step: Index of the step (0-based); a line's last release step releases its
                whole balance.
            weights: Non-negative weights, shape (interventions, countries).
            room: Most money (cents) each cell could spend in this step, including
                overhead and leakage.
        """
        for li in range(len(self.lines)):
            cells = weights * self.eligible[li][None, :]
            if cells.sum() <= 0 or self.balance[li] <= 0 or step >= self.release_steps[li]:
                continue
            release = float(self.balance[li] // (self.release_steps[li] - step))
            free = np.maximum(room - self.commitments.sum(axis=0), 0.0)
            alloc = _water_fill(release, cells, free)
            alloc = np.floor(alloc).astype(np.int64)
            self.commitments[li] += alloc
            self.balance[li] -= alloc.sum()

    def spending_room(
        self, unit_cost: np.ndarray, capacity: np.ndarray, legal_maturity: np.ndarray
    ) -> np.ndarray:
        """Most money (cents) each cell could spend buying ``capacity`` units this step."""
        worst_keep = (1 - self.overhead_rate(len(legal_maturity))) * (
            1 - self.leakage_rate(legal_maturity)
        )
        units = np.minimum(capacity, 1e12).astype(float)
        return np.ceil(units * unit_cost[:, None] / worst_keep[None, :]) + 1.0

    def purchase(
        self,
        unit_cost: np.ndarray,
        capacity: np.ndarray,
        legal_maturity: np.ndarray,
        n_partner_countries: int,
    ) -> StepSpending:
        """Buy whole units from commitments, within each cell's capacity.

        Args:
            unit_cost: Cost of one unit of each intervention, in cents.
            capacity: Most units each (intervention, country) can absorb this step.
            legal_maturity: For the leakage rate of each country.
            n_partner_countries: Countries with money committed (coordination overhead).

        Returns:
            Units bought and money paid, per intervention and country.
        """
        oh = self.overhead_rate(n_partner_countries)
        leak = self.leakage_rate(legal_maturity)
        keep = (1 - oh) * (1 - leak)[None, :]
        room = capacity.astype(np.int64).copy()
        shape = room.shape
        step = StepSpending(*(np.zeros(shape, np.int64) for _ in range(5)))
        cost = unit_cost[:, None].astype(np.int64)
        for li in range(len(self.lines)):
            m = self.match_ratio[li]
            account = self.commitments[li]
            ours_per_unit = np.ceil(cost / (1 + m)).astype(np.int64)
            units = np.floor(account * keep / ours_per_unit).astype(np.int64)
            units = np.minimum(units, room)
            if m > 0:
                partner_per_unit = cost - ours_per_unit
                share = np.divide(
                    account,
                    account.sum(axis=0, keepdims=True),
                    out=np.zeros(shape),
                    where=account.sum(axis=0) > 0,
                )
                afford = np.floor(
                    self.partner_room[li][None, :] * share / np.maximum(partner_per_unit, 1)
                ).astype(np.int64)
                units = np.minimum(units, afford)
            units = np.maximum(units, 0)
            delivered = units * ours_per_unit
            gross = np.minimum(np.ceil(delivered / keep).astype(np.int64), account)
            lost = np.floor(gross * (1 - oh) * leak[None, :]).astype(np.int64)
            leakage = np.minimum(lost, gross - delivered)
            overhead = gross - delivered - leakage  # takes the rounding to whole cents
            self.commitments[li] -= gross
            room -= units
            match = units * cost - delivered
            if m > 0:
                self.partner_room[li] -= match.sum(axis=0)
            step.units += units
            step.delivered += delivered
            step.overhead += overhead
            step.leakage += leakage
            step.partner_match += match
        self.units += step.units
        self.delivered += step.delivered
        self.overhead += step.overhead
        self.leakage += step.leakage
        self.partner_match += step.partner_match
        return step
