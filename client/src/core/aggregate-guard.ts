import type { AggregateRound, AggregateShare } from './aggregate.ts';
import type { PeerId } from './ids.ts';

/**
 * What one link may move into one push-sum instance, net of what we moved to it. Honest push-sum
 * moves mass to and fro but little of it net: every peer brings 1 unit of value mass and holds
 * about 1 at convergence; what circulates round cycles shows as net flow on a link and grows slowly
 * with the rounds (at most 14.3 units of value and 2.2 of weight (caps 16 and 3) over 200 rounds, 5 to 300 peers,
 * aggregate-guard.test.ts; an instance runs about 40 fast rounds). A forged share of 1e9 is all net
 * inflow. A share past the cap is scaled down to fit (its ratio, the sender's estimate, kept), so a
 * rogue linked to d peers adds at most d * MAX_NET_VALUE_MASS to the size instead of any amount,
 * and shrinks it by at most a factor 1 + d * MAX_NET_WEIGHT_MASS. Push-sum has no origin to sign
 * for its mass, so a bound is what there is; the leader's ticket (signed.ts) is signed.
 */
export const MAX_NET_VALUE_MASS = 16;
export const MAX_NET_WEIGHT_MASS = 3;

interface Net {
  value: number;
  weight: number;
}

/** Net mass per (instance, link); forgets instances that are over. */
export class MassLedger {
  private readonly net = new Map<string, Net>();
  private forgotten = -Infinity;
  /** Shares scaled down (or refused) because their link had brought its share of mass already. */
  trimmed = 0;

  /** We sent `round` to `to`: what it brings back is its own again. */
  sent(to: PeerId, round: AggregateRound): void {
    for (const share of sharesOf(round)) {
      const net = this.entry(share, to);
      net.value -= share.count[0];
      net.weight -= share.count[1];
    }
  }

  /** `round` from `from`, each share scaled down to what the link may still bring. */
  admit(from: PeerId, round: AggregateRound): AggregateRound {
    const [young, older] = sharesOf(round).map((share) => this.admitShare(from, share));
    return older === undefined ? (young as AggregateShare) : { ...(young as AggregateShare), older };
  }

  /** Instances before `epoch` are over: their ledgers go (once per epoch). */
  forgetBefore(epoch: number): void {
    if (epoch <= this.forgotten) return;
    this.forgotten = epoch;
    for (const key of this.net.keys()) if (Number(key.slice(0, key.indexOf('|'))) < epoch) this.net.delete(key);
  }

  private admitShare(from: PeerId, share: AggregateShare): AggregateShare {
    const net = this.entry(share, from);
    const [value, weight] = share.count;
    const valueRoom = Math.max(0, MAX_NET_VALUE_MASS - net.value);
    const weightRoom = Math.max(0, MAX_NET_WEIGHT_MASS - net.weight);
    const scale = value <= valueRoom ? 1 : valueRoom / value;
    const keptWeight = Math.min(weight * scale, weightRoom);
    if (scale < 1 || keptWeight < weight * scale) this.trimmed++;
    net.value += value * scale;
    net.weight += keptWeight;
    return { ...share, count: [value * scale, keptWeight], sum: [share.sum[0] * scale, share.sum[1] * scale] };
  }

  private entry(share: AggregateShare, peer: PeerId): Net {
    const key = `${share.epoch}|${share.leader}|${peer}`;
    let net = this.net.get(key);
    if (net === undefined) {
      net = { value: 0, weight: 0 };
      this.net.set(key, net);
    }
    return net;
  }
}

function sharesOf(round: AggregateRound): AggregateShare[] {
  const { older, ...young } = round;
  return older === undefined ? [young] : [young, older];
}
