"""STAND-IN for the starter modules' content: replaced by the written content at merge.

Pure data, no Django imports: migration training/0002 loads MODULES through
training.content.starter_drafts, which checks this structure and fails loudly on anything else.
"""

MODULES = [
    {
        "slug": "who-is-the-customer",
        "title": "Who is the customer",
        "summary": "The five groups of customers, internal and external.",
        "audience": "everyone",
        "steps": [],
        "required": True,
        "renewal_months": 12,
        "pass_mark": 80,
        "sections": [{"title": "Five groups", "body": "End-users, prospects, distributors, suppliers and employees."}],
        "questions": [
            {
                "text": "Is a colleague a customer?",
                "choices": ["Yes, an internal customer", "No"],
                "answer": 0,
                "explanation": "Colleagues serve each other.",
            },
            {
                "text": "How many customer groups are there?",
                "choices": ["Three", "Five"],
                "answer": 1,
                "explanation": "End-user, prospect, distributor, supplier, employee.",
            },
        ],
    },
    {
        "slug": "five-step-recovery",
        "title": "The five-step recovery",
        "summary": "Apologize, reinstate, empathize, atone, follow up.",
        "audience": "everyone",
        "steps": ["apologize", "reinstate", "empathize", "atone", "follow_up"],
        "required": True,
        "renewal_months": 12,
        "pass_mark": 80,
        "sections": [
            {"title": "The steps", "body": "1. Apologize\n2. Reinstate\n3. Empathize\n4. Atone\n5. Follow up"}
        ],
        "questions": [
            {
                "text": "What comes first?",
                "choices": ["Atone", "Apologize"],
                "answer": 1,
                "explanation": "Apologize first, fast.",
            },
            {
                "text": "Which step may never be skipped?",
                "choices": ["Follow up", "Atone"],
                "answer": 0,
                "explanation": "Apologize and follow up are never skipped.",
            },
        ],
    },
    {
        "slug": "person-then-problem",
        "title": "Treat the person, then the problem",
        "summary": "Listening and empathy.",
        "audience": "everyone",
        "steps": ["empathize"],
        "required": False,
        "renewal_months": None,
        "pass_mark": 80,
        "sections": [{"title": "Listen", "body": "Let the customer finish before you answer."}],
        "questions": [
            {
                "text": "What do you do first with an angry customer?",
                "choices": ["Listen", "Explain the policy"],
                "answer": 0,
                "explanation": "The person first.",
            },
            {
                "text": "Is empathy the same as agreeing?",
                "choices": ["Yes", "No"],
                "answer": 1,
                "explanation": "You acknowledge the frustration.",
            },
        ],
    },
    {
        "slug": "when-to-step-back",
        "title": "When to step back",
        "summary": "Clarify, hand over, judge the time.",
        "audience": "everyone",
        "steps": ["reinstate"],
        "required": False,
        "renewal_months": None,
        "pass_mark": 80,
        "sections": [{"title": "Hand over", "body": "Escalate to a manager when you cannot be objective."}],
        "questions": [
            {
                "text": "Is handing over a failure?",
                "choices": ["Yes", "No"],
                "answer": 1,
                "explanation": "Objectivity matters more than ego.",
            },
            {
                "text": "Who do you hand over to?",
                "choices": ["A manager", "The customer"],
                "answer": 0,
                "explanation": "Escalation goes to a manager.",
            },
        ],
    },
    {
        "slug": "our-service-policy",
        "title": "Our customer-service policy",
        "summary": "What we promise our customers.",
        "audience": "everyone",
        "steps": [],
        "required": True,
        "renewal_months": 12,
        "pass_mark": 80,
        "sections": [{"title": "The policy", "body": "Read the current policy from the menu."}],
        "questions": [
            {
                "text": "Where is the policy?",
                "choices": ["One click away in the menu", "Nowhere"],
                "answer": 0,
                "explanation": "It is in the navigation.",
            },
            {
                "text": "Do you acknowledge a new version?",
                "choices": ["Yes", "No"],
                "answer": 0,
                "explanation": "Everyone acknowledges each version.",
            },
        ],
    },
]
