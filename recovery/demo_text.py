"""Text for the demo data: people, companies and the complaints they make.

The demo business is Brightwell Home, a retailer of home appliances and
furniture with stores, a web shop, home delivery, trade customers and
suppliers. Every complaint comes from a `Story` in its category; placeholders
such as `{first_name}`, `{product}` or `{order}` are filled by
`recovery.management.commands.seed_demo` so the same story reads differently
each time. Names, companies, phone numbers and e-mail domains are invented:
the domains end in `.example` and the numbers are from the ranges Ofcom
reserves for drama, so none of them reaches a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

from customers.models import CustomerGroup
from recovery.models import AtonementKind, Channel, Stage

END_USER = CustomerGroup.END_USER
PROSPECT = CustomerGroup.PROSPECT
DISTRIBUTOR = CustomerGroup.DISTRIBUTOR
SUPPLIER = CustomerGroup.SUPPLIER
EMPLOYEE = CustomerGroup.EMPLOYEE

COMPANY_DOMAIN = "brightwell.example"


@dataclass(frozen=True)
class Atonement:
    """One way of making it up to the customer, with the range of its value in pounds."""

    kind: AtonementKind
    low: int
    high: int
    note: str


@dataclass(frozen=True)
class Story:
    """One kind of complaint: what went wrong, what the customer wants and how it was put right."""

    category: str
    groups: tuple[CustomerGroup, ...]
    summary: str
    description: str
    remedy: str
    fix: str
    root_cause: str
    corrective_action: str
    atonements: tuple[Atonement, ...]


# --- people and companies ---------------------------------------------------------------

FIRST_NAMES = (
    "Aisha", "Alan", "Amelia", "Aneurin", "Bethan", "Callum", "Chloe", "Chidi", "Daniel", "Deepa",
    "Eilidh", "Elena", "Emeka", "Erin", "Farah", "Finn", "Gareth", "Grace", "Hamza", "Hannah",
    "Harriet", "Ibrahim", "Imogen", "Isla", "Jack", "Jasmine", "Joanna", "Kamal", "Karen", "Kwame",
    "Laura", "Leon", "Lily", "Lucy", "Magdalena", "Malcolm", "Mei", "Mohammed", "Nadia", "Niamh",
    "Oliver", "Owen", "Patrick", "Priya", "Rachel", "Rhys", "Rosa", "Ruth", "Sam", "Sanjay",
    "Sarah", "Seren", "Sophie", "Stuart", "Tariq", "Tomasz", "Una", "Vikram", "Wendy", "Yusuf",
    "Zainab", "Zofia", "Declan", "Moira", "Ade", "Bronwen", "Colin", "Dolores", "Euan", "Gwen",
)  # fmt: skip

LAST_NAMES = (
    "Abbott", "Adeyemi", "Ahmed", "Bailey", "Banerjee", "Bell", "Brennan", "Campbell", "Chen", "Clarke",
    "Collins", "Davies", "Doherty", "Edwards", "Evans", "Fitzgerald", "Fletcher", "Gallagher", "Ghosh", "Gray",
    "Hughes", "Hussain", "Jenkins", "Johnson", "Kaur", "Kelly", "Khan", "Kowalski", "Lewis", "Lloyd",
    "MacDonald", "McKenzie", "Mistry", "Morgan", "Murphy", "Nowak", "Okafor", "O'Brien", "Owusu", "Parry",
    "Patel", "Pearson", "Price", "Quinn", "Rahman", "Reid", "Roberts", "Robertson", "Shah", "Sinclair",
    "Singh", "Stewart", "Sutherland", "Taylor", "Thomas", "Thompson", "Turner", "Walsh", "Watson", "Williams",
    "Wilson", "Wood", "Wright", "Yilmaz", "Young", "Zielinski", "Hartley", "Ogundipe", "Pritchard", "Lindqvist",
)  # fmt: skip

DISTRIBUTORS = (
    "Pennine Home Distributors",
    "Harbour & Vale Trading",
    "Westcountry Appliance Centre",
    "Midland Kitchen Supplies",
    "Thistle Retail Group",
    "Cobble Lane Interiors",
    "Severn Trade Supplies",
    "Anglia Electricals",
    "Brookfield Furniture Outlet",
    "Tyne Valley Homeware",
)

SUPPLIERS = (
    "Kestrel Appliances Ltd",
    "Hartley Woodcraft",
    "Nimbus Home Technology",
    "Frostline Refrigeration",
    "Solace Sleep Co.",
    "Lumen Lighting Works",
    "NorthRoute Logistics",
    "Parcelwise",
    "Calder Packaging",
    "Marlow Metalworks",
)

PERSONAL_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "post.example")

# --- what the placeholders are filled with ------------------------------------------------

PRODUCTS = (
    "Aria 9 kg washing machine",
    "Hartley oak dining table",
    "Nimbus cordless vacuum",
    "Kestrel bean-to-cup coffee machine",
    "Linford three-seater sofa",
    "Solace memory-foam mattress",
    "Frostline fridge-freezer",
    "Pembroke garden dining set",
    "Lumen arc floor lamp",
    "Brio 1.7 litre kettle",
    "Calder slimline dishwasher",
    "Orla heat-pump tumble dryer",
    "Marlow bedside cabinets",
    "Harlow induction hob",
    "Tamsin ergonomic office chair",
    "Wren double wardrobe",
)

TOWNS = (
    "Leeds",
    "Bristol",
    "Norwich",
    "Exeter",
    "Cardiff",
    "York",
    "Nottingham",
    "Brighton",
    "Glasgow",
    "Milton Keynes",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
COURIERS = ("Parcelwise", "NorthRoute Logistics", "our own delivery team")

# --- the stories, by category ----------------------------------------------------------------

_VOUCHER = Atonement(AtonementKind.VOUCHER, 20, 50, "£{value} voucher for the trouble, valid in store and online.")
_GIFT = Atonement(AtonementKind.GIFT, 15, 40, "Sent a hamper with a handwritten card from the team (about £{value}).")
_DISCOUNT = Atonement(AtonementKind.DISCOUNT, 10, 80, "{percent}% off their next order, worth about £{value}.")

STORIES: tuple[Story, ...] = (
    # Product quality
    Story(
        "Product quality",
        (END_USER,),
        "{product} stopped working after {days} days",
        "{first_name} bought the {product} in our {town} store. It worked for {days} days and then stopped "
        "completely; it will not switch on even in another socket. They rely on it every day and have been "
        "without it since {weekday}.",
        "A replacement, not a repair: they do not want to wait in for an engineer.",
        "Booked a like-for-like replacement of the {product} for {weekday}; the crew takes the faulty one away "
        "at the same visit.",
        "A faulty power board in one production batch; the supplier confirmed the batch number.",
        "Batch quarantined in the warehouse; supplier asked for a corrective-action report and a test "
        "certificate with the next delivery.",
        (
            _VOUCHER,
            _GIFT,
            Atonement(AtonementKind.REFUND, 25, 45, "Refunded the £{value} delivery and installation charge."),
        ),
    ),
    Story(
        "Product quality",
        (END_USER, DISTRIBUTOR),
        "{product} arrived with a cracked panel",
        "The box looked fine, but when the {product} was unpacked the side panel was cracked from corner to "
        "corner. Photos came by e-mail the same evening. {first_name} is unhappy that nobody at the door "
        "suggested checking it before signing.",
        "Replace the damaged panel, or take it back and refund in full.",
        "Ordered a replacement panel from the supplier and booked a technician to fit it; the customer kept "
        "using the item meanwhile.",
        "Packaging too thin at the corners for this range; the damage happened in our warehouse (the outer box "
        "was undamaged).",
        "Corner protectors added to the packing instructions for the range; warehouse team briefed at the "
        "morning huddle.",
        (_DISCOUNT, _VOUCHER, Atonement(AtonementKind.REFUND, 30, 90, "Partial refund of £{value} for the wait.")),
    ),
    Story(
        "Product quality",
        (END_USER,),
        "Colour of the {product} does not match the website",
        "{first_name} ordered the {product} in 'sage green' from the website. What arrived is much closer to "
        "grey. They chose it specifically to match the rest of the room and feel the photo was misleading.",
        "Exchange it for the colour in the photo, or a full refund if we do not have it.",
        "Compared the stock with the website photo: the photo was wrong. Arranged collection and a full refund, "
        "as the customer did not want another colour.",
        "The product photos for the range had been edited with a colour filter, and the description did not "
        "name the actual colour.",
        "Photos re-shot under neutral light; colour names now come from the supplier's specification sheet.",
        (_DISCOUNT, _GIFT),
    ),
    Story(
        "Product quality",
        (END_USER, DISTRIBUTOR),
        "Missing fittings in the flat-pack {product}",
        "Two of the four leg bolts and the Allen key were missing from the {product}. {first_name} spent an "
        "evening trying to assemble it before noticing, and the half-built furniture is now in the middle of "
        "the living room.",
        "Send the missing parts quickly; they do not want to take the whole thing back.",
        "Sent the missing bolts and key by tracked first-class post the same day and gave the customer the "
        "tracking number.",
        "The fittings bag from the supplier was short-packed.",
        "Goods-in now weighs a sample of fittings bags from this supplier on every delivery.",
        (_GIFT, Atonement(AtonementKind.VOUCHER, 10, 25, "£{value} voucher for the wasted evening.")),
    ),
    Story(
        "Product quality",
        (END_USER,),
        "Same fault again on the repaired {product}",
        "This is the second time the {product} has failed with the same fault. Our engineer repaired it "
        "{days} days ago and said it would not happen again. {first_name} has now taken two days off work for "
        "engineer visits.",
        "A new unit. No more repairs, and no more days off work.",
        "Authorised a replacement outside the usual repair-first policy and delivered it on {weekday}.",
        "The engineer replaced the control module but not the wiring loom, which was the actual cause.",
        "Repair guide for this model updated; engineers now check the loom whenever the control module fails.",
        (
            Atonement(AtonementKind.REFUND, 60, 150, "Refunded £{value} towards the lost days off work."),
            Atonement(AtonementKind.REPLACEMENT, 0, 0, "Upgraded the replacement to the next model up at no cost."),
            _VOUCHER,
        ),
    ),
    # Delivery
    Story(
        "Delivery",
        (END_USER,),
        "Waited in all {weekday} for the {product}; nobody came",
        "{first_name} took {weekday} off work for the delivery of the {product} (order {order}). Nobody came "
        "and nobody called. At 9 pm the tracking page still said 'out for delivery'.",
        "Rebook for a Saturday and make up for the lost day's pay.",
        "Rebooked the delivery for the first slot on Saturday with a named two-person crew; confirmed by phone "
        "and text.",
        "The van broke down at midday; the driver's app did not send the 'delivery delayed' message because "
        "the route was never closed.",
        "Routing team now closes broken-down routes within the hour so every customer on them is told.",
        (
            Atonement(AtonementKind.REFUND, 50, 120, "Paid £{value} towards the lost day's pay."),
            _VOUCHER,
            Atonement(AtonementKind.REFUND, 30, 60, "Refunded the £{value} delivery charge in full."),
        ),
    ),
    Story(
        "Delivery",
        (END_USER,),
        "Order {order} marked delivered but never arrived",
        "{courier} marked order {order} as delivered on {weekday} at 14:12, with a photo of a front door that "
        "is not {first_name}'s. Neighbours have not seen it either.",
        "Send another one, and do not make them deal with the courier.",
        "Opened a claim with {courier} ourselves and sent a replacement by next-day tracked delivery.",
        "The driver scanned the parcel at the wrong address in the same street; GPS confirms it.",
        "Courier has put the driver on photo-and-GPS checks for a month; we raised it at the monthly service "
        "review with them.",
        (_VOUCHER, _GIFT),
    ),
    Story(
        "Delivery",
        (END_USER, DISTRIBUTOR),
        "Wrong item delivered for order {order}",
        "Order {order} was for the {product}. The box contained something else entirely, and the crew had "
        "left before {first_name} opened it.",
        "Take the wrong item away and bring the right one in the same visit.",
        "Collected the wrong item and delivered the {product} on a single visit on {weekday}.",
        "Two orders were picked from neighbouring bays and the labels were swapped at packing.",
        "Packers now scan the item barcode against the label before sealing; added to the packing checklist.",
        (_VOUCHER, _DISCOUNT),
    ),
    Story(
        "Delivery",
        (END_USER,),
        "Crew damaged the hallway delivering the {product}",
        "While carrying the {product} upstairs, the crew scraped the hallway wall and chipped the banister. "
        "{first_name} is upset that they did not mention it and left quickly.",
        "Pay for a decorator to put it right.",
        "Our assessor visited on {weekday}; we agreed to pay the decorator's quote of £{amount} directly.",
        "Crew did not use the wall protectors for a narrow staircase; they were in the van.",
        "Crews briefed: protectors are mandatory for every upstairs delivery, and damage must be reported "
        "before leaving the address.",
        (_GIFT, _VOUCHER),
    ),
    Story(
        "Delivery",
        (DISTRIBUTOR,),
        "Trade pallet arrived {days} days late",
        "{org} was promised {qty} units of the {product} by {weekday} for a promotion in their shops. The "
        "pallet arrived {days} days late, after the promotion had started, and they had to turn customers "
        "away.",
        "A credit for the lost promotion days and a firm date for the rest of the order.",
        "Sent the remaining stock by dedicated van and confirmed the delivery dates in writing.",
        "The trade order was booked on the standard lead time instead of the promotional one.",
        "Trade desk now flags orders linked to a promotion and books them on the promotional lead time.",
        (
            Atonement(AtonementKind.DISCOUNT, 150, 600, "Credit note of £{value} against their next invoice."),
            Atonement(AtonementKind.NOTHING, 0, 0, "Agreed with the buyer to review it at the quarterly meeting."),
        ),
    ),
    Story(
        "Delivery",
        (SUPPLIER,),
        "{org} lorry turned away at our goods-in",
        "{org}'s driver arrived within the booked slot at our warehouse but was turned away because the "
        "booking did not show in our system. It is the second time this month, and they pay the haulier for "
        "the wasted trip.",
        "Confirm slots in writing and pay the redelivery charge.",
        "Rebooked the delivery for the next morning and sent the confirmation by e-mail to their transport office.",
        "Bookings made by phone were not entered in the yard system when the goods-in clerk was on leave.",
        "All slot bookings now go through the booking form; phone bookings are confirmed by e-mail the same day.",
        (Atonement(AtonementKind.REFUND, 120, 300, "Paid their £{value} redelivery charge."),),
    ),
    # Billing
    Story(
        "Billing",
        (END_USER,),
        "Charged twice for order {order}",
        "{first_name}'s bank statement shows two payments of £{amount} for order {order}. It has put their "
        "account into overdraft.",
        "Refund the duplicate payment now and cover the overdraft fee.",
        "Refunded the duplicate £{amount} the same day and gave the customer the refund reference; it shows in "
        "3 to 5 working days.",
        "The payment provider retried a timed-out payment that had in fact gone through.",
        "Payment provider fixed the retry rule; finance now checks the daily duplicate-payment report.",
        (
            Atonement(AtonementKind.REFUND, 15, 35, "Refunded the £{value} overdraft fee their bank charged."),
            _VOUCHER,
        ),
    ),
    Story(
        "Billing",
        (END_USER,),
        "Refund for the returned {product} not received",
        "The {product} went back to the {town} store {days} days ago. The receipt says refunds take 5 working "
        "days; nothing has arrived, and the store told {first_name} to ring head office.",
        "The refund, today, and an explanation.",
        "Found the refund stuck waiting for a manager's approval in the store; approved it and confirmed by e-mail.",
        "Refunds over £300 need a store manager's approval, and the request had gone to a manager who had left.",
        "Approval requests now go to the store's shared manager queue, not to one person.",
        (_VOUCHER, _GIFT),
    ),
    Story(
        "Billing",
        (DISTRIBUTOR,),
        "Invoice {invoice} shows the wrong trade discount",
        "Invoice {invoice} applies a 15% trade discount instead of the 22% agreed with {org} in the spring. "
        "Their accounts team spotted it; they want to know how many earlier invoices are wrong.",
        "A credit note for the difference and a check of every invoice since the new terms.",
        "Issued a credit note for £{amount} and checked all invoices since the new terms: two more were wrong "
        "and have been credited too.",
        "The new terms were agreed by e-mail but never entered in the billing system.",
        "Contract changes are now entered by the trade desk and checked by finance before the next invoice run.",
        (
            Atonement(AtonementKind.NOTHING, 0, 0, "Their buyer asked for nothing more than the credit notes."),
            Atonement(AtonementKind.DISCOUNT, 100, 400, "An extra 2% on the next order, about £{value}."),
        ),
    ),
    Story(
        "Billing",
        (SUPPLIER,),
        "Invoice {invoice} paid {days} days late",
        "Our payment terms with {org} are 30 days. Invoice {invoice} was paid {days} days late, and their "
        "credit controller had to chase three times.",
        "Pay the statutory late-payment interest and stop it happening again.",
        "Paid the invoice and confirmed the remittance to their credit controller.",
        "The invoice was sent to a former buyer's mailbox and never reached accounts payable.",
        "Suppliers now send invoices to the accounts-payable address only; old buyer mailboxes forward to it.",
        (Atonement(AtonementKind.REFUND, 40, 160, "Paid £{value} late-payment interest."),),
    ),
    Story(
        "Billing",
        (END_USER,),
        "Charged £{amount} delivery on free-delivery order {order}",
        "Order {order} was over the free-delivery threshold but {first_name} was charged £{amount} for "
        "delivery. The basket page showed free delivery until the last step.",
        "Refund the delivery charge.",
        "Refunded the £{amount} delivery charge to the card used for the order.",
        "A discount code took the basket just under the threshold after the delivery price had been shown.",
        "The website now shows the delivery charge again whenever a code changes the total.",
        (_GIFT, Atonement(AtonementKind.VOUCHER, 10, 20, "£{value} voucher for the trouble.")),
    ),
    # Staff behaviour
    Story(
        "Staff behaviour",
        (END_USER,),
        "Dismissed by a store assistant when returning the {product}",
        "In the {town} store, {first_name} asked to return the {product}. The assistant said it was 'not my "
        "problem' and walked off to serve someone else. They left without returning it.",
        "An apology from the store, and to be able to return the item.",
        "Store manager processed the return by phone and arranged collection from home.",
        "New assistant, not yet trained on returns, and embarrassed to say so.",
        "Returns training brought forward for new starters; the store manager coached the assistant on the case.",
        (_GIFT, _VOUCHER),
    ),
    Story(
        "Staff behaviour",
        (END_USER,),
        "Adviser was rude on a call about order {order}",
        "{first_name} called about order {order}. The adviser sighed repeatedly, talked over them and ended "
        "the call while they were still speaking.",
        "An apology and someone who will actually listen.",
        "Nothing was wrong with the order itself; confirmed its delivery date and gave the customer a direct number.",
        "The adviser was at the end of a double shift covering for sickness.",
        "Call recording used for coaching; rota changed so nobody works back-to-back shifts on the phones.",
        (_GIFT, Atonement(AtonementKind.NOTHING, 0, 0, "They said they wanted only the apology.")),
    ),
    Story(
        "Staff behaviour",
        (PROSPECT,),
        "Pressured into a finance offer in the {town} showroom",
        "{first_name} came into the {town} showroom to look at sofas. The salesperson kept pushing the finance "
        "offer after they had said no twice, and they left without buying.",
        "For us to know how it felt, and to be able to come back without being pushed.",
        "Arranged an appointment with the store manager for a relaxed second visit.",
        "Sales targets that week were weighted towards finance sign-ups.",
        "Finance-weighted incentives removed; managers reminded that 'no' ends the finance conversation.",
        (_DISCOUNT, _GIFT),
    ),
    Story(
        "Staff behaviour",
        (EMPLOYEE,),
        "Shouted at by a supervisor in front of the team",
        "{first_name} says the shift supervisor shouted at them in front of the whole team over a picking "
        "error that was not theirs. They want it handled privately, not as a formal grievance yet.",
        "A private conversation with the supervisor and an apology.",
        "Corrected the picking record so the error is no longer against {first_name}'s name.",
        "The supervisor was under pressure over the error rate and reacted in the moment.",
        "Supervisor coached on giving feedback in private; error reports now show who picked the item.",
        (
            Atonement(
                AtonementKind.NOTHING, 0, 0, "Agreed together that the apology and the corrected record are enough."
            ),
            Atonement(AtonementKind.GIFT, 10, 25, "Lunch voucher and a thank-you card from the team (£{value})."),
        ),
    ),
    Story(
        "Staff behaviour",
        (SUPPLIER,),
        "Our buyer missed two meetings with {org} without notice",
        "{org}'s account manager travelled to our office twice for meetings our buyer neither attended nor "
        "cancelled. The second time they had driven three hours.",
        "An apology from the buying team and a meeting that actually happens.",
        "Head of buying rescheduled the meeting at their office, at a time they chose.",
        "Meetings were in the buyer's personal calendar, which nobody checks when they are off sick.",
        "Supplier meetings now go in the team's shared calendar so a colleague can step in or cancel.",
        (Atonement(AtonementKind.REFUND, 80, 200, "Paid their £{value} travel costs."),),
    ),
    # Service availability
    Story(
        "Service availability",
        (END_USER, PROSPECT),
        "On hold for 47 minutes on {weekday}, then cut off",
        "{first_name} waited on hold for 47 minutes on {weekday} morning and was cut off. The web chat then "
        "said 'no advisers available'.",
        "A call back at a time that suits them, and an answer to their original question.",
        "Called back at the time they asked for and answered the question they had rung about.",
        "Half the phone team was on a system-training session that morning, and the queue had no overflow.",
        "Training sessions are now booked outside the Monday and Tuesday peaks; queues over 20 minutes offer a "
        "call back.",
        (_VOUCHER, Atonement(AtonementKind.NOTHING, 0, 0, "Customer was happy once the question was answered.")),
    ),
    Story(
        "Service availability",
        (END_USER, PROSPECT),
        "{town} store closed during advertised hours",
        "{first_name} drove 40 minutes to the {town} store on {weekday} at 17:30. The doors were locked, "
        "although the website says the store is open until 20:00.",
        "Their fuel paid for, and the website corrected.",
        "Corrected the opening hours on the website and the map listing the same day.",
        "The store changed its late-night opening to Thursdays only; the website was never updated.",
        "Store managers now submit opening-hour changes through one form that updates every listing.",
        (Atonement(AtonementKind.REFUND, 10, 20, "Paid £{value} for their fuel."), _VOUCHER),
    ),
    Story(
        "Service availability",
        (END_USER,),
        "Card machines down at the {town} store",
        "{first_name} could not pay by card at the {town} store and was told to come back tomorrow. They had "
        "a van waiting outside to take the {product} home.",
        "Be able to collect today, or have it delivered free.",
        "Took payment over the phone and delivered the {product} free the next day.",
        "The store's broadband failed and the card terminals have no mobile back-up.",
        "Mobile back-up connections ordered for every store's card terminals.",
        (_VOUCHER, _GIFT),
    ),
    Story(
        "Service availability",
        (EMPLOYEE,),
        "Handheld scanners keep dropping out on the night shift",
        "The handheld scanners on the night shift lost their connection four times between 22:00 and 02:00. "
        "{first_name}'s team had to write picks on paper and key them in at the end of the shift.",
        "Working scanners, and IT cover at night.",
        "IT replaced the failing wireless access point in aisle 14 the next morning.",
        "One access point was overheating; the monitoring alert went to a mailbox nobody reads at night.",
        "Network alerts now page the on-call engineer; spare access points kept on site.",
        (
            Atonement(
                AtonementKind.GIFT, 20, 60, "Breakfast for the night shift from the operations budget (£{value})."
            ),
            Atonement(AtonementKind.NOTHING, 0, 0, "The team asked only for the fix and night cover."),
        ),
    ),
    Story(
        "Service availability",
        (PROSPECT,),
        "Kitchen design appointment in {town} cancelled at the door",
        "{first_name} booked a kitchen design appointment in {town} and arrived to be told the designer was off "
        "sick and nobody had called them.",
        "A new appointment, and to be told next time.",
        "Rebooked with the senior designer on {weekday} at a time they chose.",
        "The sickness was reported to the store, but appointments are kept in the designer's own diary.",
        "Design appointments moved into the store's booking system so any colleague can see and call customers.",
        (_DISCOUNT, _GIFT),
    ),
    # Communication
    Story(
        "Communication",
        (END_USER,),
        "Promised call back about order {order} never came",
        "{first_name} was told on {weekday} that a manager would call back within 24 hours about order "
        "{order}. They have now waited {days} days and called three times.",
        "Someone to own this and call back when they say they will.",
        "Called back, explained where the order was, and gave them my direct line.",
        "The call-back request was written on a note, not logged, and the manager was off the next day.",
        "Call-back requests are now logged in the system with a due time and appear in the team queue.",
        (_VOUCHER, _GIFT),
    ),
    Story(
        "Communication",
        (PROSPECT,),
        "No reply to two quote requests for the {product}",
        "{first_name} asked for a quote for {qty} units of the {product} for a holiday-let renovation. Two "
        "requests through the website in {days} days, and no answer.",
        "The quote, this week.",
        "Sent the quote the same day with a named contact for questions.",
        "Website quote requests went to a shared inbox that was moved during the e-mail migration.",
        "Quote requests now create a task in the trade desk's queue; the inbox is monitored daily.",
        (_DISCOUNT, Atonement(AtonementKind.NOTHING, 0, 0, "They wanted the quote, not a gesture.")),
    ),
    Story(
        "Communication",
        (DISTRIBUTOR,),
        "{org} given a week's notice of new trade prices",
        "{org} received our new trade price list on a Friday, effective the following Monday. Their own "
        "catalogue is already printed with the old prices.",
        "Hold the old prices for the life of their catalogue.",
        "Agreed to hold the old prices for {org} until the end of the quarter.",
        "The price change was approved late and sent without the usual 30 days' notice.",
        "Trade price changes now need 30 days' notice; finance will not load a price list sooner.",
        (Atonement(AtonementKind.NOTHING, 0, 0, "Holding the prices was the remedy they asked for."), _DISCOUNT),
    ),
    Story(
        "Communication",
        (END_USER,),
        "Store and website disagree on the {product} warranty",
        "The {town} store told {first_name} the {product} has a three-year warranty. The website and the manual "
        "say one year. Now that it has a fault, they feel misled.",
        "Honour the three years they were promised.",
        "Honoured the three-year warranty and booked the repair under it.",
        "The three-year warranty was a promotion that had ended; the store's point-of-sale cards were still up.",
        "Promotional material now has an end date printed on it, and stores check it weekly.",
        (_VOUCHER, _GIFT),
    ),
    Story(
        "Communication",
        (EMPLOYEE,),
        "Rota changed without telling the team",
        "{first_name} found out about a changed rota from a colleague the night before. The new shift clashes "
        "with childcare, and it is the second time this quarter.",
        "Two weeks' notice of rota changes, as the policy says.",
        "Swapped the shift with a volunteer so {first_name} could keep the original one.",
        "The rota was changed in the planning tool but the notification setting was off.",
        "Rota changes inside two weeks now need the team leader's sign-off and a message to everyone affected.",
        (
            Atonement(AtonementKind.NOTHING, 0, 0, "Getting the shift back was all they wanted."),
            Atonement(AtonementKind.GIFT, 10, 20, "Cinema vouchers as thanks for their patience (£{value})."),
        ),
    ),
    Story(
        "Communication",
        (SUPPLIER,),
        "Forecast reached {org} too late to plan production",
        "{org} received our quarterly forecast two weeks into the quarter. They had already planned their "
        "production and now have to run overtime to meet our orders.",
        "The forecast on time, and a contribution to the overtime.",
        "Sent the corrected forecast and agreed revised delivery dates with their planner.",
        "The forecast waited for sign-off from a director who was travelling.",
        "Forecasts are sent on the agreed date as a draft if sign-off is late, with changes flagged afterwards.",
        (
            Atonement(AtonementKind.REFUND, 200, 800, "Contributed £{value} to their overtime costs."),
            Atonement(AtonementKind.NOTHING, 0, 0, "Agreed to review the forecasting process together instead."),
        ),
    ),
    # Website or app
    Story(
        "Website or app",
        (END_USER,),
        "Checkout error, but the card was charged £{amount} twice",
        "The website showed an error at checkout. {first_name} tried again and was charged £{amount} twice; "
        "no order confirmation arrived for either attempt.",
        "Their money back, and to know whether the order went through.",
        "Found one of the two orders, confirmed it, and refunded the other payment.",
        "A time-out between the website and the payment provider showed an error after a successful payment.",
        "The checkout now checks the payment status before showing an error.",
        (_VOUCHER, Atonement(AtonementKind.DISCOUNT, 10, 30, "10% off the order, £{value}.")),
    ),
    Story(
        "Website or app",
        (END_USER, PROSPECT),
        "Password reset e-mail never arrives",
        "The password-reset e-mail never arrives. {first_name} has tried five times and checked the spam folder. "
        "They cannot see their orders or book a delivery without it.",
        "To get into their account.",
        "Reset the password from our side after checking their identity; confirmed they can sign in.",
        "Their e-mail provider was rejecting our messages after a change to our sending domain.",
        "E-mail sending records corrected; delivery failures are now reported to the web team daily.",
        (Atonement(AtonementKind.NOTHING, 0, 0, "They were happy once they could sign in."), _VOUCHER),
    ),
    Story(
        "Website or app",
        (END_USER,),
        "Booked {weekday} delivery slot vanished from the app",
        "{first_name} booked a {weekday} delivery slot for order {order} in the app. The next day the booking "
        "showed 'no slot selected', and the {weekday} slots were all taken.",
        "Their original slot back.",
        "Booked the original slot manually with the transport planner.",
        "An app update cleared slot bookings made in the hour before it went live.",
        "Releases now go out overnight, and a check compares bookings before and after each release.",
        (_VOUCHER, _GIFT),
    ),
    Story(
        "Website or app",
        (DISTRIBUTOR,),
        "Trade portal showed the {product} in stock; orders cancelled",
        "{org} placed three orders through the trade portal for the {product}. All three were cancelled as out "
        "of stock, although the portal showed 200 available.",
        "Accurate stock on the portal, and their orders filled first when stock arrives.",
        "Reserved the first {qty} units of the next delivery for {org} and told them the date.",
        "The portal was reading stock from a nightly file that had stopped updating.",
        "Portal now reads live stock; an alert fires when the stock feed is more than an hour old.",
        (
            _DISCOUNT,
            Atonement(AtonementKind.NOTHING, 0, 0, "Their buyer asked only for priority on the next delivery."),
        ),
    ),
    Story(
        "Website or app",
        (PROSPECT, END_USER),
        "Still getting marketing e-mails after unsubscribing",
        "{first_name} unsubscribed three weeks ago and still gets two promotional e-mails a week. They are "
        "starting to wonder what else we do with their details.",
        "Stop the e-mails and confirm in writing what data we hold.",
        "Removed them from every marketing list and sent a written confirmation of the data we hold.",
        "The unsubscribe link only removed them from one of three mailing lists.",
        "Unsubscribing now removes a person from every marketing list at once.",
        (Atonement(AtonementKind.NOTHING, 0, 0, "They asked for nothing except to be left alone."), _GIFT),
    ),
    # Internal process (colleagues serving colleagues)
    Story(
        "Internal process",
        (EMPLOYEE,),
        "Expense claim paid {days} days late",
        "{first_name}'s expense claim for the {town} store visit was approved but not paid for {days} days. "
        "They were out of pocket by £{amount} over the end of the month.",
        "Paid now, and paid on time in future.",
        "Finance paid the claim in the same day's payment run.",
        "Approved claims waited for a second approval that the new policy no longer requires.",
        "Second-approval step removed from the expense workflow for claims under £500.",
        (
            Atonement(AtonementKind.NOTHING, 0, 0, "Payment was what they wanted; no gesture needed."),
            Atonement(AtonementKind.GIFT, 10, 20, "Coffee voucher from the finance team (£{value})."),
        ),
    ),
    Story(
        "Internal process",
        (EMPLOYEE,),
        "New starter had no system access for a week",
        "{first_name} started in customer service on Monday and could not sign in to anything until the "
        "following Monday. They spent the week shadowing and felt they were making a poor first impression.",
        "Access today, and a word with their team leader that it was not their fault.",
        "IT set up every account that afternoon; their team leader confirmed the delay was ours.",
        "The starter form was sent to IT after the start date because the contract was signed late.",
        "IT now gets the starter form as soon as an offer is accepted, not when the contract is signed.",
        (Atonement(AtonementKind.NOTHING, 0, 0, "They were content with the fix and the conversation."),),
    ),
    Story(
        "Internal process",
        (EMPLOYEE,),
        "Returns from the {town} store arrive without paperwork",
        "Returns from the {town} store keep arriving at the warehouse without the returns form, so "
        "{first_name}'s team cannot process the refunds and customers chase us.",
        "Every return to arrive with its form.",
        "Collected the missing forms from the store and processed the waiting returns.",
        "The store had run out of printed forms and was sending returns without them.",
        "Returns forms are now printed by the till with the receipt, so they cannot run out.",
        (Atonement(AtonementKind.NOTHING, 0, 0, "A process problem, not a personal one; no gesture needed."),),
    ),
    Story(
        "Internal process",
        (EMPLOYEE,),
        "Holiday request unanswered for a month",
        "{first_name} asked for a week's leave a month ago. There is still no answer and the flights keep going "
        "up in price.",
        "An answer this week.",
        "Approved the leave the same day and confirmed it in writing.",
        "Leave requests went to a manager who had moved to another site.",
        "Leave requests now go to the team leader's role, not a named person.",
        (Atonement(AtonementKind.NOTHING, 0, 0, "The approval was all they needed."),),
    ),
    Story(
        "Internal process",
        (EMPLOYEE,),
        "IT ticket closed without a fix",
        "{first_name}'s laptop keeps dropping off the VPN. The IT ticket was closed as 'resolved' without anyone "
        "contacting them, and the problem is still there.",
        "A working laptop and a call before a ticket is closed.",
        "Swapped the laptop on {weekday}; the VPN has held since.",
        "Tickets were closed automatically after five days with no reply, even when IT had asked nothing.",
        "Automatic closing now applies only when IT is waiting on the person who raised the ticket.",
        (Atonement(AtonementKind.NOTHING, 0, 0, "They wanted the laptop fixed, nothing more."),),
    ),
    # Other
    Story(
        "Other",
        (END_USER,),
        "Car park barrier came down on the car at {town}",
        "The exit barrier in the {town} store car park came down on {first_name}'s car as they left, leaving a "
        "small dent above the rear door.",
        "Pay for the repair.",
        "Paid the body shop's quote of £{amount} directly.",
        "The barrier sensor was misaligned after maintenance.",
        "Sensor realigned; the maintenance contractor now tests the barrier with a vehicle before leaving.",
        (_VOUCHER, _GIFT),
    ),
    Story(
        "Other",
        (END_USER,),
        "Loyalty points missing after buying the {product}",
        "{first_name} bought the {product} but the loyalty points never appeared. It was a large purchase and "
        "the points were part of why they bought it from us.",
        "The points added to their card.",
        "Added the missing points by hand and sent a statement showing them.",
        "The till did not ask for the loyalty card because the sale was keyed as a special order.",
        "Special-order sales now prompt for the loyalty card like any other sale.",
        (
            Atonement(AtonementKind.GIFT, 10, 25, "Double points on their next purchase, worth about £{value}."),
            _VOUCHER,
        ),
    ),
    Story(
        "Other",
        (END_USER,),
        "Leaflet addressed to a family member who has died",
        "{first_name} asked us last year to remove their late father's name from our mailing list. A leaflet "
        "addressed to him arrived again this week, and it upset their mother.",
        "Remove him from every list and confirm it in writing.",
        "Removed the name from every list, including the printer's copy, and wrote to confirm it.",
        "The removal was applied to the e-mail list but not to the postal list kept by the printing company.",
        "Suppression requests now go to every list, and the printer's list is refreshed from ours before each mailing.",
        (
            Atonement(AtonementKind.GIFT, 25, 40, "Sent flowers with a handwritten apology (£{value})."),
            Atonement(
                AtonementKind.NOTHING,
                0,
                0,
                "A gift did not feel right; the written confirmation was what they asked for.",
            ),
        ),
    ),
)

# --- the steps ---------------------------------------------------------------------------------

APOLOGIES: dict[str, tuple[str, ...]] = {
    Channel.IN_PERSON: (
        "Apologised face to face at the customer desk and said plainly that we got this wrong.",
        "Apologised to {first_name} in person, without excuses, and took their details myself.",
        "Sat down with {first_name} in the quiet corner of the store and apologised properly.",
    ),
    Channel.PHONE: (
        "Apologised on the call and told {first_name} I would look after this myself.",
        "Called {first_name} back within the hour and apologised: we let them down.",
        "Apologised on the phone; they said it was the first time anyone had.",
    ),
    Channel.EMAIL: (
        "Replied by e-mail the same morning with a personal apology, not the template.",
        "Apologised by e-mail and offered a call at a time that suits them.",
        "Wrote back to apologise and gave my name and direct line.",
    ),
    Channel.WEB: (
        "Called {first_name} after their web-form message and apologised in person rather than by e-mail.",
        "Answered the web form by e-mail with an apology and a promise to call within the day.",
    ),
    Channel.LETTER: (
        "Phoned {first_name} the day the letter arrived to apologise; followed up with a letter signed by me.",
        "Wrote back by return with a personal apology and a phone number that reaches me.",
    ),
    Channel.SOCIAL: (
        "Replied publicly to acknowledge it, then moved to direct messages to apologise properly.",
        "Apologised by direct message and asked for a number to call; called them ten minutes later.",
    ),
}

EMPATHY = (
    "Told {first_name} I understood why they were angry: they did everything right and still had to chase us.",
    "Listened without interrupting for about ten minutes. Mostly they wanted someone to hear how much time "
    "this had cost them.",
    "Acknowledged that this came on top of a stressful week for them and thanked them for giving us the chance "
    "to put it right.",
    "Said that in their place I would be just as annoyed. Their tone changed noticeably after that.",
    "{first_name} was more upset about not being believed than about the fault itself. Acknowledged that and "
    "apologised for how the first contact went.",
    "Recognised the hassle of telling the story to three different people; gave my direct line so they only "
    "deal with me from now on.",
    "Let them know their frustration was completely fair and that I would have felt the same.",
)

FOLLOW_UP_NOTES = (
    "Phoned as agreed; {first_name} confirmed everything is working.",
    "E-mailed the follow-up questions; {first_name} replied the next day.",
    "Left a voicemail first and reached them the next afternoon.",
    "Called at the time they asked for; a short, friendly conversation.",
    "Followed up by phone and then sent a summary by e-mail.",
)

CUSTOMER_COMMENTS: dict[int, tuple[str, ...]] = {
    5: (
        "Really impressed with how this was handled in the end. I would recommend you to friends.",
        "Honestly did not expect the call back. Thank you, {colleague} was great.",
        "Couldn't have asked for more. Thank you for taking it seriously.",
    ),
    4: (
        "Sorted now, thank you. Shame it took a complaint to get there.",
        "Happy with the outcome; the gesture was a nice touch.",
        "All good now. The person who called me was lovely.",
    ),
    3: (
        "It's fixed, but I had to chase more than I should have.",
        "OK in the end. Not great, not terrible.",
        "The fix is fine; the wait wasn't.",
    ),
    2: (
        "The problem is fixed but I still don't feel anyone really listened.",
        "Took far too long, and I had to repeat myself every time.",
    ),
    1: (
        "I've already gone elsewhere. Too little, too late.",
        "Still not happy, and I've told my friends about it.",
    ),
}

COLLEAGUE_COMMENTS: dict[int, tuple[str, ...]] = {
    5: (
        "Thank you for taking it seriously; it made a real difference to the team.",
        "Much better now. Thanks, {colleague}.",
    ),
    4: ("Sorted, thanks. It would be good not to need a complaint next time.", "Happy with how it was handled."),
    3: ("Fixed for now; let's see if it lasts.", "Fine, though it took longer than it should have."),
    2: ("The fix is there, but nothing has changed in how we are treated.",),
    1: ("Honestly, I am looking at other jobs.",),
}

# How likely a customer with this satisfaction score is to stay with us.
RETENTION_BY_SATISFACTION = {5: 0.97, 4: 0.9, 3: 0.7, 2: 0.35, 1: 0.1}

SKIP_REASONS: dict[str, tuple[str, ...]] = {
    Stage.REINSTATE: (
        "Nothing to put right: the order itself was fine; the complaint is about how they were treated.",
        "Already fixed by the store before the complaint was logged.",
        "The customer had already sorted it themselves and did not want us to step in.",
    ),
    Stage.EMPATHIZE: (
        "The customer asked us to keep it short; they only wanted the fix confirmed.",
        "Done together with the apology in the same conversation.",
    ),
    Stage.ATONE: (
        "Customer declined compensation: 'just make sure it doesn't happen again'.",
        "The customer said clearly that the fix was all they wanted.",
    ),
}

TRADE_ATONE_SKIP_REASON = "Trade account: goodwill is handled in the quarterly review, not per complaint."

ESCALATION_REASONS = (
    "The customer is asking for compensation above my authority (over £250).",
    "The customer has mentioned legal action; this needs a manager's judgement.",
    "Third complaint from this customer in two months; needs someone who can see the whole picture.",
    "The customer asked to speak to a manager and would not continue with me.",
    "I have tried twice and we are going round in circles; a fresh pair of eyes will do better than me.",
)
ESCALATION_REASONS_BY_GROUP: dict[str, tuple[str, ...]] = {
    END_USER: (
        "Possible safety issue with the product; a manager should decide whether other customers need contacting.",
    ),
    DISTRIBUTOR: ("Key trade account; their buyer wants a manager involved.",),
    SUPPLIER: ("This affects our terms with the supplier; buying and finance need a manager to lead it.",),
    EMPLOYEE: ("The complaint is about a colleague I work with every day; I am not the right person to judge it.",),
}

REOPEN_REASONS: dict[str, tuple[str, ...]] = {
    Stage.APOLOGIZE: ("{first_name} wrote in to say our apology spelt their name wrong and read like a form letter.",),
    Stage.REINSTATE: (
        "The fix has not held: the same problem is back and {first_name} called again, upset.",
        "What we promised to put right has still not happened; {first_name} chased us again.",
    ),
    Stage.EMPATHIZE: (
        "{first_name} felt the last call was rushed and that nobody acknowledged how long this had gone on.",
    ),
    Stage.ATONE: (
        "The voucher code we sent does not work at the till.",
        "{first_name} says the goodwill gesture was not what was agreed on the phone.",
    ),
    Stage.FOLLOW_UP: (
        "{first_name} answered the satisfaction e-mail late: they are not happy after all and want a call.",
    ),
}

CLARIFICATIONS_GENERAL = (
    "{first_name} prefers e-mail after 6 pm; their phone goes to voicemail during the day.",
    "{first_name} sent more details by e-mail; added them to the complaint.",
    "Checked the history: this is the first complaint from {first_name} in over two years.",
)
CLARIFICATIONS: dict[str, tuple[str, ...]] = {
    "Product quality": (
        "Explained why a different model was sent: the original was discontinued the day the order was packed. "
        "Nobody had told them; they are happy with it now it has been explained.",
        "{first_name} sent photos of the fault; saved them with the complaint.",
    ),
    "Delivery": (
        "{courier} confirms the driver has been spoken to.",
        "Clarified: the order was placed on the website, not in store, which is why the {town} store had no "
        "record of it.",
    ),
    "Billing": (
        "Explained that the second amount on the statement is the delivery charge, not a price change; they "
        "accept that part.",
        "Finance confirms the payment dates the customer gave us.",
    ),
    "Staff behaviour": (
        "Spoke to the team leader on duty, who confirms what happened.",
        "Checked the call recording and notes: {first_name}'s account is accurate.",
    ),
    "Service availability": ("Checked the incident log: the outage is recorded, at the times {first_name} gave.",),
    "Communication": ("Found the original promise in the notes; {first_name}'s account is accurate.",),
    "Website or app": ("Web team reproduced the problem on a test account.",),
    "Internal process": ("Spoke to the team that owns the process; they had not known it was causing problems.",),
}

SEVERITY_RAISED = (
    "Raising the severity: the customer is elderly and has now been without the appliance for a week.",
    "Raising the severity: this affects a whole store's deliveries, not just this order.",
    "Raising the severity: the customer has posted about it publicly and it is being shared.",
    "Raising the severity: the customer has a medical condition that makes the wait much harder.",
)
