"""The starter training modules that ship with CareDesk, as plain data.

Five modules, in the order a new member of staff should take them: who the customer is, the five-step
recovery, treating the person before the problem, when to step back, and our customer-service policy. Each
has its sections (Markdown, rendered and sanitised like every other text people write in CareDesk) and a
short multiple-choice check.

A data migration loads this list into version 1 of each module, so every new installation has them. This
file is read once, by that migration: once released, the modules are edited in the app by a manager, which
creates a new version. Changing the text here afterwards changes nothing in an existing installation.

Only literals here (no Django, no imports from the project), so the migration can load it at any point in
the project's history and the tests can check it without a database.
"""

from __future__ import annotations

from typing import Any

# Audience: every module is for "everyone". None of them is only for people who meet external customers:
# every member of staff serves colleagues (the internal customers), and CareDesk handles a colleague's
# complaint with the same five steps, the same policy and the same empowerment limit as anyone else's.
#
# Renewal: the modules on the recovery, on who the customer is and on the policy come back every 12 months
# (the policy also changes between renewals, and each new version is acknowledged on its own). Listening and
# calming an angry customer is a skill that changes little: it comes back every 24 months. The optional
# module has no renewal.
MODULES: list[dict[str, Any]] = [
    {
        "slug": "who-is-the-customer",
        "title": "Who is the customer",
        "summary": (
            "Anyone you serve in the course of your job is a customer: the five groups we deal with, "
            "the difference between internal and external customers, and why the way we treat "
            "colleagues matters."
        ),
        "audience": "everyone",
        "steps": [],
        "required": True,
        "renewal_months": 12,
        "pass_mark": 80,
        "sections": [
            {
                "title": "A customer is anyone you serve",
                "body": (
                    'It is tempting to think of "the customer" as the person who pays at the till or signs '
                    "the order. That picture is too small. In CareDesk, a customer is **anyone you deal with "
                    "in the course of your job** and whose day is made better or worse by how you do it.\n"
                    "\n"
                    "That includes the person who bought from us last week, the company thinking about "
                    "buying next year, the firm that sells our products on, the business that delivers our "
                    "raw materials, and the colleague at the next desk who is waiting for your report.\n"
                    "\n"
                    "Why cast the net so wide? Because every one of these people can be let down, and every "
                    "one of them can be won back. If we only took care of the people holding a receipt, we "
                    "would lose the others without noticing."
                ),
            },
            {
                "title": "The five groups",
                "body": (
                    "Every customer in CareDesk belongs to exactly one of five groups. When you log a "
                    "complaint you pick the group, so it is worth knowing them well.\n"
                    "\n"
                    "- **End-users** use our products or services today. The parent whose online order is "
                    "late, the subscriber whose account is locked.\n"
                    "- **Prospects** have not bought yet but might. Someone who asked for a quote, or walked "
                    "in to look around. Treat them as customers already: how we handle their first problem "
                    "is their first real taste of us.\n"
                    "- **Distributors** buy from us or sell on our behalf: wholesalers, resellers, agents, "
                    "shops that stock our range. When we let them down, they have to face their own "
                    "customers about it.\n"
                    "- **Suppliers** sell to us. We are their customer, but they are ours too: they rely on "
                    "us to order clearly, pay on time and treat their people fairly.\n"
                    "- **Employees** are our colleagues. They serve each other every day, and they are the "
                    "*internal customers*.\n"
                    "\n"
                    "If you are unsure which group fits, ask yourself what the relationship is *right now*. "
                    "A supplier's manager who also buys from our shop at the weekend is a supplier when "
                    "complaining about an unpaid invoice, and an end-user when complaining about a faulty "
                    "kettle."
                ),
            },
            {
                "title": "Internal and external customers",
                "body": (
                    "Four of the groups are **external**: end-users, prospects, distributors and suppliers. "
                    "They are outside the organisation and can, in the end, choose to take their business "
                    "elsewhere.\n"
                    "\n"
                    "One group is **internal**: employees. A colleague cannot simply switch to another "
                    "payroll department or another IT desk, which is exactly why it is easy to serve them "
                    "badly and get away with it, for a while.\n"
                    "\n"
                    "In CareDesk, complaints from every group go through the same five-step recovery. A "
                    "colleague whose laptop was lost in a repair deserves the same apology, the same quick "
                    "fix and the same follow-up as a customer whose parcel went missing."
                ),
            },
            {
                "title": "Why colleagues count",
                "body": (
                    "How people inside an organisation treat each other shows up, sooner or later, in how "
                    "customers are treated. A warehouse team that is ignored by the office stops caring "
                    "whether orders are packed right. A support agent who is snapped at by a manager carries "
                    "that mood into the next call.\n"
                    "\n"
                    "The reverse is also true. When colleagues answer each other's requests promptly, own "
                    "their mistakes and say thank you, that habit spills over to everyone outside.\n"
                    "\n"
                    'So a complaint from a colleague is not a distraction from "real" work. It is a chance '
                    "to practise the recovery where it costs least, and a signal that something inside needs "
                    "fixing before customers feel it."
                ),
            },
            {
                "title": "Employee complaints are confidential",
                "body": (
                    "A colleague's complaint may be about another colleague, a manager, or their working "
                    "conditions. They need to be able to raise it without it becoming gossip.\n"
                    "\n"
                    "In CareDesk, a complaint from an employee can only be seen by **managers and the person "
                    "assigned to handle it**. It does not appear in other people's lists or searches.\n"
                    "\n"
                    "Please respect that outside the app too:\n"
                    "\n"
                    "- Do not discuss a colleague's complaint with people who are not handling it.\n"
                    '- Do not forward details by email or chat "for information".\n'
                    "- If a complaint is about you, do not handle it yourself: hand it to a manager."
                ),
            },
        ],
        "questions": [
            {
                "text": (
                    "A company stocks our products in its own shops and sells them to the public. Which group is it in?"
                ),
                "choices": [
                    "End-user",
                    "Distributor",
                    "Supplier",
                ],
                "answer": 1,
                "explanation": (
                    "A business that sells our products on is a distributor, even though it also buys from us."
                ),
            },
            {
                "text": (
                    "Someone asked for a quote last week, has not bought anything, and now complains that "
                    "nobody called back. How should you see them?"
                ),
                "choices": [
                    "As not yet a customer, so the complaint can wait behind paying customers",
                    "As an end-user, because they have been in touch with us",
                    "As a prospect, to be treated as a customer already",
                ],
                "answer": 2,
                "explanation": (
                    "Prospects are customers already: how we handle their first complaint decides whether they buy."
                ),
            },
            {
                "text": "Why does CareDesk treat employees as customers too?",
                "choices": [
                    "How colleagues treat each other ends up in how external customers are treated",
                    "Because employees buy our products at a staff discount",
                    "So that managers can measure each employee's performance",
                    "Because the law requires every complaint to be logged",
                ],
                "answer": 0,
                "explanation": "The way we serve each other inside is the habit we bring to everyone outside.",
            },
            {
                "text": "Who can see a complaint raised by an employee in CareDesk?",
                "choices": [
                    "Everyone on the front line, so they can help",
                    "Everyone in the employee's own team",
                    "Anyone who searches for the employee's name",
                    "Only managers and the person assigned to handle it",
                ],
                "answer": 3,
                "explanation": (
                    "Employee complaints can be about colleagues, so they are kept to managers and the "
                    "assigned handler."
                ),
            },
            {
                "text": "A supplier complains that their invoice was rejected without explanation. What do you do?",
                "choices": [
                    "Forward it to accounts: suppliers are not our customers",
                    "Handle it with the same five-step recovery as any other complaint",
                    "Apologize, but skip the other steps since we are the ones paying",
                ],
                "answer": 1,
                "explanation": "Suppliers are one of the five customer groups, and every group gets the same recovery.",
            },
        ],
    },
    {
        "slug": "five-step-recovery",
        "title": "The five-step recovery",
        "summary": (
            "When service fails, we win the customer back in five steps: apologize, reinstate, "
            "empathize, atone and follow up. What each step means, why it matters, and what doing it "
            "well and badly looks like."
        ),
        "audience": "everyone",
        "steps": ["apologize", "reinstate", "empathize", "atone", "follow_up"],
        "required": True,
        "renewal_months": 12,
        "pass_mark": 80,
        "sections": [
            {
                "title": "The recovery at a glance",
                "body": (
                    "Things go wrong in every organisation. What customers remember is not so much the "
                    "mistake as what we did next. A problem handled well can leave a customer more loyal "
                    "than if nothing had gone wrong at all.\n"
                    "\n"
                    "Every complaint in CareDesk goes through the same five steps, in this order:\n"
                    "\n"
                    "1. **Apologize**: say sorry, sincerely and fast.\n"
                    "2. **Reinstate**: put things right.\n"
                    "3. **Empathize**: show you understand how it felt.\n"
                    "4. **Atone**: make it up to them.\n"
                    "5. **Follow up**: check, some days later, that they are happy again.\n"
                    "\n"
                    'Steps 2 to 4 can be marked "not needed" when there is a genuine reason, and you write '
                    'that reason down (for example, "customer declined compensation"). Apologizing and '
                    "following up are never skipped.\n"
                    "\n"
                    "Record each step in CareDesk as you do it, with the time it took. That is how we learn "
                    "what winning a customer back really costs, and how your manager can coach you on real "
                    "cases."
                ),
            },
            {
                "title": "Step 1: Apologize",
                "body": (
                    "**What it means.** Acknowledge, in plain words, that we got something wrong and that we "
                    "are sorry. Do it quickly: within minutes or hours, not days. You do not need to know "
                    "the cause yet to be sorry that it happened.\n"
                    "\n"
                    "**Why it matters.** Until they hear an apology, most people are not ready to listen to "
                    "anything else. A prompt apology tells them they are being taken seriously; a slow or "
                    "grudging one tells them the opposite, whatever we do next.\n"
                    "\n"
                    "**Good example** (an end-user, a late delivery). A birthday present ordered for "
                    "Saturday has not arrived by Friday afternoon. Within an hour of the customer's email, "
                    "the handler calls: \"I'm sorry, your parcel should have been with you yesterday and it "
                    "isn't. That's our failure, and I know the timing matters. Let me find out where it is "
                    'right now."\n'
                    "\n"
                    '**Poor example.** Three days later the customer receives a template email: "We regret '
                    'any inconvenience that may have been caused." It is slow, it is vague, and "may have '
                    'been" suggests we are not sure anything went wrong at all.'
                ),
            },
            {
                "title": "Step 2: Reinstate",
                "body": (
                    "**What it means.** Put things back the way they should have been, as quickly as you "
                    "can: replace the item, correct the record, restore the service. Note in CareDesk what "
                    "was fixed, so that anyone picking up the complaint can see it.\n"
                    "\n"
                    "**Why it matters.** An apology without a fix soon sounds hollow. Customers judge us on "
                    "whether the problem actually went away, and on how long they had to wait for it.\n"
                    "\n"
                    "**Good example** (an end-user, a billing error). A customer has been charged twice for "
                    "the same month. The handler checks the account while they are still on the phone, "
                    "reverses the second charge, tells them when the money will be back in their account, "
                    "and records the correction and its reference in CareDesk.\n"
                    "\n"
                    "**Poor example.** \"I'll raise it with finance, they usually reply within ten working "
                    'days." No one checks whether finance did anything, and the customer phones back two '
                    "weeks later, still out of pocket."
                ),
            },
            {
                "title": "Step 3: Empathize",
                "body": (
                    "**What it means.** Acknowledge the frustration, not just the breakdown. Put into words "
                    "what the problem cost the person: time, money, worry, embarrassment in front of their "
                    "own customers.\n"
                    "\n"
                    "**Why it matters.** A fix solves the problem; empathy repairs the relationship. People "
                    "stay with organisations that understand them, not with those that are merely correct.\n"
                    "\n"
                    "**Good example** (a supplier, a rejected invoice). A small supplier's invoice was "
                    "rejected because a purchase order number was missing, and they found out six weeks "
                    'later, when the money did not arrive. The handler says: "You delivered on time and then '
                    "waited weeks for money you were counting on, only to learn about a form field nobody "
                    "had told you about. I'd be frustrated too. That's not how we want to treat a supplier.\"\n"
                    "\n"
                    '**Poor example.** "Our terms clearly state that every invoice needs a PO number." Every '
                    "word may be true, and the supplier now feels both unpaid and blamed."
                ),
            },
            {
                "title": "Step 4: Atone",
                "body": (
                    "**What it means.** Offer something that makes up for the trouble: a refund, a discount, "
                    "a voucher, a replacement, a small gift. Sometimes the right answer is deliberately "
                    "nothing, for example when the customer declines or when the fix itself was generous; "
                    "then record the reason. Always record the kind and value of what you gave.\n"
                    "\n"
                    "**Why it matters.** Atonement shows that we take the cost of our mistake on ourselves "
                    "rather than leaving it with the customer. It does not need to be big to be felt; it "
                    "needs to fit.\n"
                    "\n"
                    "**Good example** (a distributor, wrong stock). A reseller received the wrong model of a "
                    "product line and had to turn their own customers away for a week. After the correct "
                    "stock arrives, the handler offers to cover the return freight and a discount on the "
                    "next order, within the empowerment limit shown next to the atonement form, and records "
                    "both.\n"
                    "\n"
                    "**Poor example.** Either nothing at all, without a thought, or a promise made in the "
                    'heat of the moment ("we\'ll give you free stock for the rest of the year") that the '
                    "handler has no authority to give and the organisation later refuses to honour."
                ),
            },
            {
                "title": "Step 5: Follow up",
                "body": (
                    "**What it means.** Some days after the problem is fixed, get back in touch to check "
                    "that the customer is happy again. Record their satisfaction (1 to 5) and whether they "
                    "stayed with us or left. Then the complaint can be closed.\n"
                    "\n"
                    "**Why it matters.** The follow-up is often the moment the customer decides to stay. It "
                    "shows the fix was not just to get them off the phone. It is also how we find out "
                    "whether the recovery worked; if it did not, the complaint is reopened at the step that "
                    "failed.\n"
                    "\n"
                    "**Good example** (an employee, a broken laptop). A week after IT swapped a colleague's "
                    'broken laptop, the person who handled it messages: "Is the new laptop behaving? Did all '
                    'your files come across? I know you lost two days of work over this." The colleague '
                    "mentions a missing printer driver, which is sorted the same afternoon.\n"
                    "\n"
                    "**Poor example.** The complaint is closed the moment the replacement laptop is handed "
                    "over. Nobody asks whether it works. The colleague quietly concludes that raising "
                    "problems with IT is not worth the effort, and tells the rest of their team so."
                ),
            },
        ],
        "questions": [
            {
                "text": 'Which two steps of the recovery can never be marked "not needed"?',
                "choices": [
                    "Reinstate and atone",
                    "Empathize and atone",
                    "Apologize and follow up",
                    "Apologize and reinstate",
                ],
                "answer": 2,
                "explanation": (
                    "Every complaint gets an apology and a follow-up; steps 2 to 4 may be skipped with a reason."
                ),
            },
            {
                "text": "A customer emails that their order is late. Which response is the best apology?",
                "choices": [
                    (
                        "A call the same morning: \"I'm sorry, your order should have arrived and it hasn't. "
                        "That's on us.\""
                    ),
                    "A reply once the cause is known, so the apology can explain exactly what happened",
                    'A template email: "We regret any inconvenience that may have been caused."',
                ],
                "answer": 0,
                "explanation": "An apology should be fast and sincere; you don't need to know the cause to be sorry.",
            },
            {
                "text": "What is the difference between apologizing and empathizing?",
                "choices": [
                    "There is no real difference: both are ways of saying sorry to the customer",
                    "Apologizing is for external customers; empathizing is for colleagues, who need more understanding",
                    "Empathizing means explaining our policy so the customer understands why it happened",
                    "Apologizing owns the mistake; empathizing acknowledges how it felt and what it cost them",
                ],
                "answer": 3,
                "explanation": "Sorry owns the error; empathy recognises the frustration behind it.",
            },
            {
                "text": (
                    "A customer thanks you for the quick fix and says they don't want any compensation. What "
                    "do you record for atone?"
                ),
                "choices": [
                    "A small voucher anyway, since every complaint needs an atonement value",
                    '"Nothing", deliberately, with the reason: the customer declined',
                    "Leave the step open until the customer changes their mind",
                ],
                "answer": 1,
                "explanation": 'A deliberate "nothing" with a reason is a valid atonement; record why.',
            },
            {
                "text": "What is the main purpose of the follow-up?",
                "choices": [
                    "To offer the customer a second atonement",
                    "To remind the customer of our terms and conditions",
                    "To check the customer is happy again and record their satisfaction and whether they stayed",
                    "To close the complaint as quickly as possible",
                ],
                "answer": 2,
                "explanation": (
                    "The follow-up tells us whether the recovery worked, and often wins the customer back for good."
                ),
            },
            {
                "text": "A distributor received the wrong stock. Which of these is reinstating?",
                "choices": [
                    "Sending the right stock quickly and recording in CareDesk what was fixed",
                    "Telling the distributor you understand how awkward it was with their own customers",
                    "Offering a discount on their next order",
                ],
                "answer": 0,
                "explanation": "Reinstating puts things right; understanding is empathy and the discount is atonement.",
            },
        ],
    },
    {
        "slug": "person-then-problem",
        "title": "Treat the person, then the problem",
        "summary": (
            "An upset customer cannot take in a solution until they feel heard. How to listen, "
            "acknowledge feelings before facts, choose words that calm rather than inflame, and what "
            "happens when we don't."
        ),
        "audience": "everyone",
        "steps": ["apologize", "empathize"],
        "required": True,
        "renewal_months": 24,
        "pass_mark": 80,
        "sections": [
            {
                "title": "Why the person comes first",
                "body": (
                    "When something has gone wrong, the customer arrives with two things: a problem and a "
                    "feeling about it. We are usually eager to get to the problem, because that is what we "
                    "know how to fix. But as long as the feeling is running high, the person cannot really "
                    "hear our solution, however good it is.\n"
                    "\n"
                    "So the order matters: first the person, then the problem. A minute spent making someone "
                    "feel heard often saves ten minutes of going round in circles, and it turns an opponent "
                    "into someone working on the problem with you."
                ),
            },
            {
                "title": "Listen without interrupting",
                "body": (
                    "Let the customer tell the whole story, even if you guessed the ending in the first "
                    "sentence. Being interrupted feels like being dismissed, and people who feel dismissed "
                    "start again from the beginning, louder.\n"
                    "\n"
                    "- **Let them finish.** Silence is fine. When they stop, count to two before you speak.\n"
                    "- **Take notes** as they talk, in CareDesk if you can. You will not have to ask twice, "
                    "and they can hear that you are writing it down.\n"
                    '- **Show you are there.** On the phone, short signals ("yes", "I see", "go on") matter, '
                    "because they cannot see you nodding.\n"
                    "- **Summarise back.** \"So the engineer didn't come on Tuesday, nobody called, and you "
                    'took the day off for nothing. Have I got that right?" Getting it right proves you '
                    "listened; getting it wrong gives them the chance to correct you now rather than later."
                ),
            },
            {
                "title": "Feelings before facts",
                "body": (
                    "Before you explain anything, name what the person is feeling and why it is reasonable. "
                    "It does not mean agreeing with every detail; it means showing that you see the "
                    "situation from their side.\n"
                    "\n"
                    "Compare two answers to a distributor whose delivery was short:\n"
                    "\n"
                    '- "The order was picked correctly; the shortfall must have happened with the carrier."\n'
                    "- \"You promised those units to your own customers and now you're the one who has to "
                    "explain. That puts you in a really awkward spot. Let's find out what happened with the "
                    'carrier."\n'
                    "\n"
                    "Both contain the same fact. Only the second will be heard.\n"
                    "\n"
                    'Useful openers: "I can see why that\'s upsetting." "That must have been a frustrating '
                    'morning." "If that happened to me, I\'d be annoyed too." Say them only if you mean them: '
                    "people can tell."
                ),
            },
            {
                "title": "What an angry customer does next",
                "body": (
                    "A customer whose complaint is brushed aside rarely just lets it go. Usually they do one "
                    "or more of these:\n"
                    "\n"
                    "- **They tell others.** Friends, colleagues, other businesses in their trade. A "
                    "customer who was not won back tends to tell many more people than a happy one does. The "
                    "dashboard shows an estimate of this word of mouth; treat it as a rough guide, not a "
                    "precise figure.\n"
                    "- **They leave.** Often quietly, without another complaint. We only notice when the "
                    "orders stop.\n"
                    "- **They go public.** Reviews, social media, a regulator, a trade association, "
                    "sometimes a lawyer. What could have been settled in one phone call is now out of our "
                    "hands.\n"
                    "\n"
                    "Internal customers react the same way in their own fashion: a colleague who is ignored "
                    "stops raising problems, goes over your head, or starts looking for another job.\n"
                    "\n"
                    "A complaint is a customer giving us one more chance. Treating it well is far cheaper "
                    "than any of the above."
                ),
            },
            {
                "title": "Language that calms, language that inflames",
                "body": (
                    "A few words can cool a conversation down or set it alight. Some phrases that tend to "
                    "inflame, and what to say instead:\n"
                    "\n"
                    '- Instead of "Calm down", try "I can hear how frustrating this has been."\n'
                    '- Instead of "That\'s our policy", try "Here\'s what I can do for you."\n'
                    '- Instead of "You must have entered it wrong", try "Let\'s look at what happened '
                    'together."\n'
                    '- Instead of "Nobody else has complained", try "Thank you for telling us."\n'
                    '- Instead of "I can\'t do anything about that", try "I can\'t change that myself, but '
                    "I'll get it to the person who can.\"\n"
                    '- Instead of "Someone will get back to you", try "I\'ll call you back by three o\'clock '
                    'tomorrow."\n'
                    "\n"
                    "Notice the pattern: calming language is about the person and about what happens next, "
                    "while inflaming language defends us or puts the blame on them. Keep your voice low and "
                    "your pace slow, especially when theirs is not."
                ),
            },
        ],
        "questions": [
            {
                "text": "A customer starts explaining a problem you have already understood. What should you do?",
                "choices": [
                    "Interrupt politely to save time and go straight to the solution",
                    "Let them finish, take notes, then summarise back what you heard",
                    "Ask them to put it in writing so you have a record",
                ],
                "answer": 1,
                "explanation": (
                    "People who are interrupted feel dismissed and start again; listening first is faster in the end."
                ),
            },
            {
                "text": "Which reply acknowledges feelings before facts?",
                "choices": [
                    '"Our records show the engineer arrived within the booking window."',
                    '"Please calm down so we can sort this out."',
                    '"Nobody else has reported a problem with that engineer."',
                    "\"You took the day off and nobody came. I'd be annoyed too. Let's see what happened.\"",
                ],
                "answer": 3,
                "explanation": "Name the feeling and why it is reasonable first; the facts are heard afterwards.",
            },
            {
                "text": "What does a customer whose complaint is brushed aside often do next?",
                "choices": [
                    "Tell others, leave quietly, or take it public",
                    "Forget about it within a few days",
                    "Complain again more politely",
                ],
                "answer": 0,
                "explanation": "An ignored complaint tends to turn into lost business and bad word of mouth.",
            },
            {
                "text": "Which phrase is most likely to calm an angry customer?",
                "choices": [
                    "\"That's our policy, I'm afraid.\"",
                    '"Someone will get back to you."',
                    '"Here\'s what I can do for you right now."',
                    '"Calm down, please."',
                ],
                "answer": 2,
                "explanation": "Calming language focuses on the person and on what happens next.",
            },
            {
                "text": (
                    "A colleague's complaint about the payroll team was ignored last month. What is a likely result?"
                ),
                "choices": [
                    "Nothing: internal complaints do not affect customers",
                    "They stop raising problems or go over your head, and the mood spreads",
                    "They will be more patient next time",
                ],
                "answer": 1,
                "explanation": "Internal customers react to being ignored too, and it shows in how they treat others.",
            },
        ],
    },
    {
        "slug": "when-to-step-back",
        "title": "When to step back",
        "summary": (
            "Find out what the customer actually wants, know when to hand a complaint to a manager, "
            "judge how much time a recovery is worth, and hand over without making the customer "
            "start again."
        ),
        "audience": "everyone",
        "steps": [],
        "required": False,
        "renewal_months": None,
        "pass_mark": 70,
        "sections": [
            {
                "title": "Clarify what the customer actually wants",
                "body": (
                    "A lot of effort is wasted solving the wrong problem. Before you promise anything, find "
                    'out what would put things right *for this person*. Ask it plainly: "What would you like '
                    'us to do?" What they want is often smaller than you feared: a straight answer, a date, '
                    "an apology from the right person.\n"
                    "\n"
                    "Write the remedy they ask for in the complaint. Even if you cannot give exactly that, "
                    "knowing it helps you and your manager find something close.\n"
                    "\n"
                    "Sometimes the complaint rests on a misunderstanding: the customer received something "
                    "other than what they thought they ordered, or a charge they did not expect. Then "
                    'explain, calmly and without "as you should have known", why it happened, and add a note '
                    "to the complaint's timeline so the next person sees what was said."
                ),
            },
            {
                "title": "When to hand over to a manager",
                "body": (
                    "Stepping back is a professional choice, not a defeat. What matters is that the customer "
                    "is recovered, not who does it. Hand the complaint to a manager (**Escalate to a "
                    "manager** on the complaint page, with a reason) when:\n"
                    "\n"
                    "- **The remedy is beyond your empowerment limit.** You may want to offer more than you "
                    "are allowed to give on your own. Propose the value and let a manager decide.\n"
                    "- **The customer becomes abusive or threatening.** You do not have to put up with "
                    "insults or threats. Say calmly that you will pass the matter on, and do so.\n"
                    "- **There is a legal threat.** If a customer mentions lawyers, court or a regulator, do "
                    "not argue the point or admit liability; hand it over.\n"
                    "- **The complaint is about you.** Nobody can judge their own case fairly, however hard "
                    "they try.\n"
                    "- **You are stuck.** The same fix has failed twice, or you simply don't know what else "
                    "to try. A fresh pair of eyes is often what the case needs.\n"
                    "\n"
                    "Objectivity matters more than pride. A manager taking over is not a judgement on you; "
                    "letting a case drift because you did not want to ask for help would be."
                ),
            },
            {
                "title": "Judging the time worth investing",
                "body": (
                    "Every recovery costs something: your time, a refund, a replacement. It is fair to ask "
                    "how much a case deserves. Weigh:\n"
                    "\n"
                    "- **What keeping the customer is worth.** Not just this order, but the years of "
                    "business ahead, and the people they will talk to. A distributor who orders every month, "
                    "or a supplier we depend on, is worth a great deal of effort.\n"
                    "- **What it costs to put right.** Often far less than it first seems: a phone call, a "
                    "small gesture, a fix done properly the first time.\n"
                    "- **What losing them would cost.** Winning a new customer usually costs much more than "
                    "keeping an existing one.\n"
                    "\n"
                    "CareDesk records the minutes you spend on each step, so over time we learn what a "
                    "recovery really costs. Judging the time is about where to put *extra* effort; it is "
                    "never a reason to be curt with anyone. If you believe a case is not worth more effort, "
                    "talk it through with a manager rather than letting it quietly lapse."
                ),
            },
            {
                "title": "Handing over without making them repeat themselves",
                "body": (
                    "Few things annoy an upset customer more than telling the whole story again to the next "
                    "person. A good handover makes that unnecessary. In your escalation and notes, cover:\n"
                    "\n"
                    "1. What happened, in the customer's words as well as ours.\n"
                    "2. What they want.\n"
                    "3. What has been done so far, and what was promised, by when.\n"
                    "4. How they are feeling, and anything that helped or made things worse.\n"
                    "5. Why you are handing over.\n"
                    "\n"
                    "Then tell the customer what happens next: \"I've passed this to my manager, Sam, with "
                    "everything you've told me. Sam will call you by noon tomorrow, and you won't need to go "
                    'through it all again."\n'
                    "\n"
                    'When the manager calls and opens with "I\'ve read what you told my colleague", the '
                    "customer already feels the difference."
                ),
            },
        ],
        "questions": [
            {
                "text": "A customer is upset about a delivery. Before you offer anything, what should you find out?",
                "choices": [
                    "Whether they have complained before",
                    "What they would actually like us to do",
                    "Which courier was used",
                ],
                "answer": 1,
                "explanation": (
                    "Asking what would put things right avoids solving the wrong problem; record the remedy they want."
                ),
            },
            {
                "text": "Which of these is a reason to hand a complaint to a manager?",
                "choices": [
                    "The customer is polite but the fix will take two days",
                    "You have already apologized",
                    "The customer is a prospect rather than an end-user",
                    "The complaint is about something you did",
                ],
                "answer": 3,
                "explanation": "Nobody can judge their own case fairly; a complaint about you goes to a manager.",
            },
            {
                "text": "A customer says they will see you in court. What should you do?",
                "choices": [
                    "Hand the complaint to a manager without arguing or admitting liability",
                    "Explain why they would lose the case",
                    "Offer the largest refund you can to settle it immediately",
                ],
                "answer": 0,
                "explanation": "Legal threats are for a manager; arguing or admitting liability can make things worse.",
            },
            {
                "text": "When you escalate a complaint, what makes the handover good?",
                "choices": [
                    "Asking the customer to send the manager a full written account of what happened",
                    "Keeping the note short, so the manager hears the story first-hand from the customer",
                    (
                        "A note on what happened, what they want, what was done and promised, and telling the "
                        "customer what comes next"
                    ),
                    "Waiting until the manager asks for the details they need",
                ],
                "answer": 2,
                "explanation": "A full handover means the customer never has to tell the story twice.",
            },
        ],
    },
    {
        "slug": "our-service-policy",
        "title": "Our customer-service policy",
        "summary": (
            "Our written customer-service policy: where to find it, how to use it, the empowerment "
            "limit that says what you can give on your own, and why you acknowledge each new version."
        ),
        "audience": "everyone",
        "steps": ["atone"],
        "required": True,
        "renewal_months": 12,
        "pass_mark": 80,
        "sections": [
            {
                "title": "What the policy is for",
                "body": (
                    "Our customer-service policy is a short, written statement of how we treat customers and "
                    "what each of us is allowed to do to put things right. It is deliberately small: "
                    "something you can read in a few minutes and remember, not a rulebook to hide behind.\n"
                    "\n"
                    "It exists so that customers get the same fair treatment whoever they speak to, and so "
                    "that you can act with confidence, knowing what you may decide yourself and when to "
                    "involve a manager."
                ),
            },
            {
                "title": "Finding and reading it",
                "body": (
                    "The current version is always one click away: **Policy** in CareDesk's navigation. Each "
                    "version shows when it was published and a short summary of what changed, so when a new "
                    "one appears you can see at a glance what is different. Older versions stay readable, "
                    "which helps when you need to know what applied when a complaint was handled.\n"
                    "\n"
                    "Use the policy as a guide, not a shield:\n"
                    "\n"
                    "- **Read it before you need it**, so you are not looking things up with an upset "
                    "customer on the line.\n"
                    "- **Check it when unsure** what you may offer or promise.\n"
                    '- **Explain it, don\'t quote it.** "That\'s our policy" inflames. "What I can do is this, '
                    "and here's why\" keeps the conversation going.\n"
                    "- **Say when it doesn't fit.** If the policy gets in the way of treating a customer "
                    "fairly, tell your manager. That is how it improves."
                ),
            },
            {
                "title": "The empowerment limit",
                "body": (
                    "The policy sets an **empowerment limit**: the atonement value a front-line person may "
                    "give on their own, without asking anyone. Within it, you decide. That lets you make "
                    "things right on the spot, which is usually what the customer values most.\n"
                    "\n"
                    "The limit in force is shown next to the atonement form in CareDesk, so you never need "
                    "to remember the figure. If you try to record an atonement above it, CareDesk will not "
                    "accept it. Instead, it names the limit and offers to escalate the complaint to a "
                    "manager with the value you proposed. Managers may record any value.\n"
                    "\n"
                    "Going over the limit is not wrong in itself: sometimes a customer deserves more. The "
                    "point is that a manager decides. In the meantime, be honest with the customer: \"I'd "
                    "like to offer you this, and I need my manager's approval for it. I'll come back to you "
                    'by tomorrow afternoon." Never promise an amount you cannot give on your own.\n'
                    "\n"
                    "Changing the limit means publishing a new version of the policy, so it always matches "
                    "what the app allows."
                ),
            },
            {
                "title": "A living policy: acknowledging new versions",
                "body": (
                    "The policy is not written once and filed away. It changes as we learn from complaints, "
                    "as products and prices change, and as the empowerment limit is adjusted.\n"
                    "\n"
                    "When a manager publishes a new version, everyone is asked to acknowledge it. You will "
                    "see a banner on every page until you do; it does not block your work. Acknowledging is "
                    "one click, and CareDesk records which version you acknowledged and when.\n"
                    "\n"
                    'Please actually read the changes before you click. Acknowledging says "I know how we '
                    'work now", and your manager can see who has and who has not acknowledged each version. '
                    "Earlier acknowledgements are kept, so the record shows what you had agreed to at any "
                    "point in time."
                ),
            },
        ],
        "questions": [
            {
                "text": "Where do you find the current customer-service policy?",
                "choices": [
                    "In an email sent when you joined",
                    "On the Policy page, one click away in CareDesk's navigation",
                    "By asking a manager for a printed copy",
                ],
                "answer": 1,
                "explanation": (
                    "The current version is always linked from the navigation, and older versions stay readable there."
                ),
            },
            {
                "text": "What is the empowerment limit?",
                "choices": [
                    "The most time you may spend on one complaint",
                    "The number of complaints you may handle at once",
                    "The highest refund a manager may approve",
                    "The atonement value a front-line person may give on their own",
                ],
                "answer": 3,
                "explanation": "Within the limit you decide; above it, a manager decides.",
            },
            {
                "text": "You want to give a customer an atonement above your empowerment limit. What happens?",
                "choices": [
                    "CareDesk names the limit and offers to escalate to a manager with the value you proposed",
                    "CareDesk records it and flags it for review later",
                    "You record the limit instead and tell the customer that is the most we can do",
                ],
                "answer": 0,
                "explanation": (
                    "Above the limit a manager decides; escalating with your proposed value lets them do so quickly."
                ),
            },
            {
                "text": "Where can you see the empowerment limit currently in force?",
                "choices": [
                    "Only in the printed staff handbook",
                    "In the managers' daily digest",
                    "Next to the atonement form in CareDesk",
                    "Nowhere: you are expected to remember it",
                ],
                "answer": 2,
                "explanation": (
                    "The limit in force is shown next to the atonement form, so you never need to remember it."
                ),
            },
            {
                "text": "A new version of the policy has been published. What are you asked to do?",
                "choices": [
                    "Nothing, it applies automatically",
                    "Read what changed and acknowledge it; CareDesk records the version and time",
                    "Print it and sign a paper copy for your manager",
                ],
                "answer": 1,
                "explanation": "The policy is living: each new version is read and acknowledged with one click.",
            },
        ],
    },
]
