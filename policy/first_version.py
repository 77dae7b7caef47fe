"""The policy CareDesk ships as version 1, written for a new installation to adapt (data migration 0002).

Kept here, not in the migration, so the text is read and reviewed like any other module; the migration
copies what it needs at the time it runs, and later edits here never change a published version.
"""

from __future__ import annotations

from decimal import Decimal

TITLE = "Our customer-service policy"

CHANGE_SUMMARY = "First version, as CareDesk ships it."

# See migration 0002 for why 50.
EMPOWERMENT_LIMIT = Decimal("50.00")

BODY = """\
This policy is short on purpose. It says how we treat the people we serve when something goes wrong,
and what each of us may do without asking anyone. It is a living document: when it changes you will be
asked to read the new version, and the old ones stay readable.

# Who the customer is

A customer is anyone we deal with in the course of our work. Everyone belongs to one of five groups:

- **End-users** use our products or services today.
- **Prospects** may buy from us tomorrow. Treat them as customers already.
- **Distributors** buy from us or sell on our behalf.
- **Suppliers** sell to us. We are their customer, and they are ours.
- **Employees** are our internal customers: colleagues serve one another every day.

The first four are *external* customers; colleagues are *internal* ones. A complaint from a colleague is
handled exactly like any other, and kept confidential: only managers and the person handling it see it.

# The five-step recovery

When we let someone down, we go through five steps, in this order, and record each one:

1. **Apologize.** Say sorry sincerely and soon: within minutes or hours, not days.
2. **Reinstate.** Put right what went wrong, quickly, and note what was fixed.
3. **Empathize.** Acknowledge how the person feels, not only what broke.
4. **Atone.** Make it up to them: a refund, a discount, a voucher, a replacement, a small gift, or,
   when it is right, nothing, with the reason written down.
5. **Follow up.** A few days later, check that they are happy again and whether they are staying with us.

# Treat the person, then the problem

An upset customer first needs to be heard. Listen to the end, do not interrupt, and do not argue about
whose fault it was. Say back what you understood. Only then move on to fixing the problem. A customer who
feels listened to usually forgives the mistake; one who feels brushed off tells others about it.

# When to step back

Sometimes the best thing you can do is hand over. Step back and escalate to a manager when:

- the customer asks for a manager, or the conversation has become personal;
- the complaint is about you, or about someone you are close to;
- what would put it right is beyond what you may decide on your own;
- you have spent more time than the relationship can bear and are not getting closer.

Before handing over, clarify: if the customer received something other than what they expected,
explain why, and write it down. Escalating is not a failure; objectivity matters more than ego.

# What you may decide on your own: the empowerment limit

Every front-line colleague may give an atonement up to the **empowerment limit** shown with this policy,
without asking anyone. Use it: a quick, fair gesture is worth more than a generous one a week later.

Above the limit, escalate the complaint to a manager with the value you propose and why; CareDesk offers
this when you record the atonement. Managers may approve any value. A change to the limit is always a new
version of this policy.
"""
