"""The demo data set's content: people, competitors, assets, accounts, requests and searches.

Plain data only, written for a fictional accounts payable automation platform called Ledgerline;
`manage.py load_demo` turns it into rows, with dates and volumes drawn from a seeded random generator.
"""

from textwrap import dedent


def _md(text: str) -> str:
    return dedent(text).strip()


PASSWORD = "demo-pass-2026"  # noqa: S105  (the published demo password, printed by load_demo)

# (username, first name, last name, group)
DEMO_LOGINS = [
    ("rep", "Riley", "Rep", "Sales"),
    ("marketer", "Morgan", "Marketer", "Marketing"),
    ("manager", "Mina", "Manager", "Managers"),
]
MORE_REPS = [
    ("jordan.blake", "Jordan", "Blake"),
    ("priya.natarajan", "Priya", "Natarajan"),
    ("marcus.oyelaran", "Marcus", "Oyelaran"),
    ("elena.vasquez", "Elena", "Vasquez"),
    ("tom.becker", "Tom", "Becker"),
    ("aisha.rahman", "Aisha", "Rahman"),
    ("ben.carter", "Ben", "Carter"),
    ("sofia.lindqvist", "Sofia", "Lindqvist"),
    ("daniel.kim", "Daniel", "Kim"),
    ("grace.obrien", "Grace", "O'Brien"),
    ("luis.moreno", "Luis", "Moreno"),
]
MORE_MARKETERS = [
    ("hannah.cole", "Hannah", "Cole"),
    ("omar.haddad", "Omar", "Haddad"),
]

COMPETITORS = [
    {
        "name": "Highbeam",
        "website": "https://highbeam.example.com",
        "description": "Mid-market AP and spend suite that leads with its payments network and corporate cards. "
        "Strong on payment methods and rebates; thin on complex approval routing and multi-entity accounting.",
    },
    {
        "name": "Seismix",
        "website": "https://seismix.example.com",
        "description": "Enterprise procure-to-pay suite sold top-down to CFOs and CPOs. Deep purchasing module, "
        "but six-to-nine-month implementations, heavy services fees and a dated approver experience.",
    },
    {
        "name": "Showcase Pro",
        "website": "https://showcasepro.example.com",
        "description": "Bill-pay app for small businesses and accounting firms. Cheap and quick to start; "
        "struggles past a few hundred invoices a month, with no purchase order matching and a single entity.",
    },
    {
        "name": "Guidewell",
        "website": "https://guidewell.example.com",
        "description": "AP add-on sold by ERP resellers. Feels native inside the ERP and is easy to buy on the "
        "existing contract, but capture accuracy is weak and the roadmap depends on the reseller.",
    },
    {
        "name": "Klueless",
        "website": "https://klueless.example.com",
        "description": "Low-cost invoice OCR point solution priced per page. Extraction only: no approvals, "
        "no matching, no payments, so buyers end up stitching three tools together.",
    },
]

ACCOUNT_PREFIXES = [
    "Alder",
    "Bluewater",
    "Brightline",
    "Cascade",
    "Cedar Ridge",
    "Clearfield",
    "Cobalt",
    "Copperleaf",
    "Crescent",
    "Driftwood",
    "Eastbrook",
    "Emberly",
    "Evergreen",
    "Fairhaven",
    "Foxglove",
    "Granite Peak",
    "Harborview",
    "Hawthorne",
    "Highland",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lakeshore",
    "Larkspur",
    "Lighthouse",
    "Maplewood",
    "Meadowlark",
    "Millbrook",
    "Northwind",
    "Oakhurst",
    "Pacific Crest",
    "Pioneer",
    "Quarry Hill",
    "Redwood",
    "Riverbend",
    "Sagebrush",
    "Silverline",
    "Stonebridge",
    "Summitview",
    "Sycamore",
    "Tidewater",
    "Timberline",
    "Trailhead",
    "Vireo",
    "Westfield",
    "Willowmere",
    "Windrose",
    "Yellowstone",
]
ACCOUNT_SUFFIXES = [
    "Logistics",
    "Foods",
    "Health Partners",
    "Manufacturing",
    "Industries",
    "Supply Co.",
    "Hospitality Group",
    "Energy",
    "Labs",
    "Construction",
    "Retail Group",
    "Software",
    "Distribution",
    "Property Management",
    "Dental Group",
    "Freight",
    "Medical Devices",
    "Brewing Co.",
    "Home Services",
    "Senior Living",
]
DEAL_MOTIONS = [
    "AP Automation",
    "AP Automation (multi-entity)",
    "Invoice Capture + Approvals",
    "Ledgerline Pay add-on",
    "Vendor Portal rollout",
    "AP Automation + Pay",
    "Expansion: new entities",
    "Platform renewal and upsell",
]

OPEN_DEAL_STAGES = [
    # (CRM stage name, funnel stage slug)
    ("Prospecting", "engaged"),
    ("Discovery", "interested"),
    ("Qualification", "interested"),
    ("Solution Design", "evaluating"),
    ("Proposal", "evaluating"),
    ("Negotiation", "evaluating"),
]
WON_STAGE = ("Closed Won", "customer")
LOST_STAGE = ("Closed Lost", "evaluating")

USAGE_NOTES = [
    "Sent after discovery; the controller forwarded it to the CFO.",
    "Walked through this live with the AP team.",
    "Champion asked for something to share with procurement.",
    "Used it to reframe the pricing conversation.",
    "They were comparing us with a competitor, this helped.",
    "Security team had questions this answered in one go.",
    "Good fit for the industry, they recognised the customer.",
    "Buyer pushed back on the numbers, needs fresher proof.",
    "Shared in the follow-up email with the recap.",
    "Didn't land, too generic for a company this size.",
    "CFO liked the month-end close numbers.",
    "Used in the exec sponsor meeting.",
    "Answered the approver adoption worry.",
    "Sent to the IT lead before the integration call.",
    "Forwarded to their auditor at their request.",
]

# --- Assets -------------------------------------------------------------------------------------
# Every asset has a `key` (for cross references: proof points, delivered requests) and an optional
# `profile`: "winner" (mostly used in won deals), "loser" (mostly in lost deals), "shelf" (never used)
# or nothing (ordinary). `status` defaults to published; `timing` marks the odd ones out.

CASE_STUDIES = [
    {
        "key": "cs-brightwater",
        "title": "Brightwater Foods cuts the cost per invoice by 75% across four plants",
        "customer": "Brightwater Foods",
        "industry": "Food and beverage manufacturing",
        "summary": "A 1,200-person food manufacturer moved 11,000 invoices a month from paper and email to "
        "touchless three-way matching in NetSuite.",
        "challenge": """
            Brightwater's AP team of nine keyed every invoice by hand into NetSuite, then chased plant managers
            for approvals over email. Ingredient suppliers invoice per delivery, so a single vendor could send
            400 invoices a month, and partial receipts meant most of them needed manual matching. Late fees
            were running at about $60,000 a year and the team worked most weekends around month-end.
            """,
        "approach": """
            The company rolled out Ledgerline Capture and Approvals plant by plant over eight weeks, starting with
            the largest site. Purchase orders and goods receipts sync from NetSuite every fifteen minutes, so
            invoices that match within tolerance post without anyone touching them. Exceptions go to the buyer
            who raised the order, with the receipt and the PO shown side by side.

            Plant managers approve from their phones; the AP team only sees what genuinely needs a decision.
            """,
        "results": "Cost per invoice down from $12.40 to $3.10\n71% of invoices posted touchless\n"
        "Late payment fees eliminated within two quarters\nNo weekend work at month-end since go-live",
        "quote": "We stopped being the department that loses invoices. Now we're the one that knows where "
        "every dollar is.",
        "quote_by": "Dana Whitfield, Controller, Brightwater Foods",
        "stages": ["evaluating", "interested"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["manufacturing", "netsuite", "three-way matching"],
        "profile": "winner",
    },
    {
        "key": "cs-halvorsen",
        "title": "Halvorsen Freight stops $410,000 in duplicate carrier payments",
        "customer": "Halvorsen Freight",
        "industry": "Logistics",
        "summary": "A regional freight company with 2,300 carriers uses duplicate and anomaly detection to "
        "catch double-billed loads before they are paid.",
        "challenge": """
            Carriers re-send invoices when they haven't been paid within terms, often with a new invoice number
            or a slightly different amount after fuel surcharges. Halvorsen's team had no reliable way to spot
            them: the ERP's duplicate check only compared invoice numbers, and an internal audit found more than
            $400,000 paid twice over eighteen months.
            """,
        "approach": """
            Ledgerline compares every incoming invoice with open and paid invoices on vendor, amount, load number,
            dates and line items, and flags likely duplicates before they reach an approver. Carrier bank details
            changes now require a call-back verification logged in the vendor record.

            The finance team also used the vendor portal to let carriers check payment status themselves, which
            removed the main reason they re-sent invoices in the first place.
            """,
        "results": "$410,000 in duplicate payments stopped in the first year\nCarrier status calls down 64%\n"
        "Days payable outstanding extended by 6 days without late fees",
        "quote": "The first month paid for the whole contract. The audit committee stopped asking about "
        "duplicates after that.",
        "quote_by": "Marco Bellini, VP Finance, Halvorsen Freight",
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "security-officer"],
        "tags": ["logistics", "fraud prevention"],
        "profile": "winner",
    },
    {
        "key": "cs-meridian",
        "title": "Meridian Health Partners halves its month-end close across 42 clinics",
        "customer": "Meridian Health Partners",
        "industry": "Healthcare",
        "summary": "A multi-entity clinic group closes in six days instead of twelve by coding and approving "
        "invoices per clinic in one AP workspace.",
        "challenge": """
            Meridian grew by acquisition to 42 clinics, each a separate legal entity in Sage Intacct. Invoices
            arrived at clinics, were scanned on whatever device was nearby and emailed to a shared inbox.
            Intercompany charges and medical supply rebates were reconciled in spreadsheets, and the close took
            twelve working days.
            """,
        "approach": """
            Every clinic now has its own intake address, and Ledgerline codes invoices to the right entity,
            location and department from the supplier and ship-to details. Clinic directors approve only their
            own spend; group-level purchasing contracts route to the central procurement lead.

            Accruals for invoices received but not yet approved post automatically at period end, so the close
            no longer waits for the last approver.
            """,
        "results": "Month-end close from 12 to 6 working days\n42 entities on one AP team of five\n"
        "Accruals posted automatically every month",
        "quote": "We added eleven clinics last year without adding a single person to AP.",
        "quote_by": "Renee Okafor, CFO, Meridian Health Partners",
        "stages": ["evaluating", "interested"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["healthcare", "multi-entity", "sage intacct"],
        "profile": "winner",
    },
    {
        "key": "cs-copperline",
        "title": "Copperline Retail Group gets 900 suppliers onto self-service",
        "customer": "Copperline Retail Group",
        "industry": "Retail",
        "summary": "A 70-store retailer onboarded 900 suppliers to the vendor portal in ten weeks and cut "
        "supplier calls to AP by 70%.",
        "challenge": """
            Copperline's AP inbox received around 300 supplier emails a day asking whether an invoice had arrived
            or when it would be paid. New suppliers were set up from PDFs of W-9 forms and bank letters typed in
            by hand, which the auditors had flagged as a control weakness two years in a row.
            """,
        "approach": """
            Suppliers were invited to the Ledgerline vendor portal in waves, largest spend first. They register
            themselves, upload tax forms, and their bank details are verified before the first payment. Once
            registered they see every invoice's status and expected payment date.

            The AP team ran a two-week campaign with the purchasing department so buyers mentioned the portal
            on every new purchase order.
            """,
        "results": "900 suppliers self-registered in ten weeks\nSupplier calls and emails down 70%\n"
        "Audit finding on vendor setup closed",
        "quote": "Our suppliers like it more than we do, and we like it a lot.",
        "quote_by": "Owen Marsh, AP Manager, Copperline Retail Group",
        "stages": ["interested", "evaluating"],
        "personas": ["operations-lead", "end-user-champion"],
        "tags": ["retail", "vendor portal"],
    },
    {
        "key": "cs-northgate",
        "title": "Northgate Property Management routes 4,000 invoices a month by property",
        "customer": "Northgate Property Management",
        "industry": "Real estate",
        "summary": "Invoices for 160 properties reach the right property manager automatically, with owner "
        "approval limits enforced per building.",
        "challenge": """
            Every maintenance invoice at Northgate had to be approved by the property manager, and above a limit
            by the owner's representative, which varied by building. The rules lived in a binder. Invoices sat in
            the wrong inbox for days, and vendors regularly put properties on credit hold.
            """,
        "approach": """
            Ledgerline reads the property address from each invoice and routes it with the approval matrix for
            that building. Limits are maintained by the accounting team in one table, and owners approve by email
            link without needing an account.
            """,
        "results": "Average approval time from 9 days to 2\nNo vendor credit holds in the last 12 months\n"
        "Approval rules for 160 properties kept in one place",
        "quote": "The binder is gone. The rules are in the system and the system follows them.",
        "quote_by": "Alicia Romero, Director of Accounting, Northgate Property Management",
        "stages": ["evaluating"],
        "personas": ["operations-lead", "end-user-champion"],
        "tags": ["real estate", "approval workflows"],
    },
    {
        "key": "cs-tallis",
        "title": "Tallis Software scales from 200 to 2,000 invoices a month without hiring",
        "customer": "Tallis Software",
        "industry": "Software",
        "summary": "A fast-growing SaaS company kept AP at one person through a tenfold increase in volume, "
        "on Sage Intacct.",
        "challenge": """
            Tallis doubled headcount twice in two years. Software subscriptions, contractors and marketing
            spend meant many small invoices from many vendors, and the single AP specialist was spending
            evenings chasing budget owners for approvals in Slack.
            """,
        "approach": """
            Tallis connected Ledgerline to Sage Intacct and to its Slack workspace in an afternoon. Budget
            owners approve in Slack, recurring subscriptions are matched to their contract amount automatically,
            and anything above budget goes to the finance business partner.
            """,
        "results": "Invoice volume up 10x with the same AP headcount\nApprovals completed in under a day on average\n"
        "Live in 3 weeks",
        "quote": "It's the first finance tool our engineers have never complained about.",
        "quote_by": "Priyanka Shah, Head of Finance, Tallis Software",
        "stages": ["interested", "evaluating"],
        "personas": ["end-user-champion", "economic-buyer"],
        "tags": ["saas", "sage intacct", "approval workflows"],
        "profile": "winner",
    },
    {
        "key": "cs-redfern",
        "title": "Redfern Construction earns $180,000 in card rebates while paying subs faster",
        "customer": "Redfern Construction",
        "industry": "Construction",
        "summary": "A general contractor codes invoices to jobs and cost codes, tracks lien waivers and pays "
        "suppliers by virtual card through Ledgerline Pay.",
        "challenge": """
            Redfern paid most suppliers by paper check, which took two people a full day each week. Lien waivers
            were tracked in a spreadsheet and project managers often approved invoices against the wrong cost code,
            which made job costing unreliable until after the project closed.
            """,
        "approach": """
            Invoices are now coded to job and cost code with suggestions learned from history, and project managers
            approve against the live budget for that code. Payments to subcontractors are held until the matching
            lien waiver has been uploaded.

            Ledgerline Pay moved 140 suppliers to virtual cards and ACH, turning a cost centre into a rebate.
            """,
        "results": "$180,000 in card rebates in year one\nCheck runs down from weekly to monthly\n"
        "Job cost reports accurate during the project, not after",
        "quote": "Our payments went from a cost to a revenue line. That got the CEO's attention.",
        "quote_by": "Gary Lindholm, CFO, Redfern Construction",
        "stages": ["evaluating"],
        "personas": ["economic-buyer"],
        "tags": ["construction", "ledgerline pay", "virtual cards"],
    },
    {
        "key": "cs-oakridge",
        "title": "Oakridge School District passes its audit with no AP findings",
        "customer": "Oakridge School District",
        "industry": "Public sector",
        "summary": "A district of 30 schools replaced paper approval packets with a complete, searchable audit "
        "trail for board-approved spend.",
        "challenge": """
            Every purchase above $5,000 needed board approval, documented in paper packets that travelled between
            schools and the district office. The annual audit took weeks of pulling folders, and two years of
            findings related to missing approvals.
            """,
        "approach": """
            Ledgerline enforces the district's approval policy, attaches the board resolution to each related invoice
            and keeps every action with its user and timestamp. Auditors received read-only access for the audit
            window and pulled their samples themselves.
            """,
        "results": "Zero AP audit findings, down from four\nAudit fieldwork in AP shortened from 3 weeks to 4 days\n"
        "Paper approval packets retired",
        "quote": "The auditors asked for samples and had them in minutes. That has never happened before.",
        "quote_by": "Linda Carver, Business Manager, Oakridge School District",
        "stages": ["evaluating"],
        "personas": ["security-officer", "operations-lead"],
        "tags": ["public sector", "audit"],
        "profile": "shelf",
    },
    {
        "key": "cs-pinecrest",
        "title": "Pinecrest Hotels centralises AP for 60 properties",
        "customer": "Pinecrest Hotels",
        "industry": "Hospitality",
        "summary": "A hotel management company moved from property-level bookkeeping to a shared service centre "
        "that processes 9,000 invoices a month.",
        "challenge": """
            Each Pinecrest hotel had its own bookkeeper and its own way of paying food, linen and maintenance
            suppliers. Owners wanted consistent reporting, and the company wanted to stop hiring a bookkeeper
            every time it signed a management contract.
            """,
        "approach": """
            Invoices from all properties now flow into one Ledgerline workspace run by a shared service centre
            of seven people. General managers approve on mobile, and owner reports show spend by property and
            category every week instead of after the month closes.
            """,
        "results": "60 properties served by one team of seven\n$1.1M saved annually in bookkeeping costs\n"
        "Weekly spend reporting for every owner",
        "quote": "New hotels are live on AP in a week. It used to be the last thing we sorted out.",
        "quote_by": "Sophie Laurent, VP Shared Services, Pinecrest Hotels",
        "stages": ["evaluating", "interested"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["hospitality", "multi-entity"],
    },
    {
        "key": "cs-vantage",
        "title": "Vantage Labs automates SOX evidence for accounts payable",
        "customer": "Vantage Labs",
        "industry": "Life sciences",
        "summary": "A newly public biotech produces segregation-of-duties and approval evidence for its auditors "
        "straight from Ledgerline.",
        "challenge": """
            After its IPO, Vantage had to document AP controls for Sarbanes-Oxley. Approvals happened in email,
            vendor changes weren't logged, and the same person could create a vendor and approve its invoices.
            """,
        "approach": """
            Ledgerline's role model separates vendor maintenance, approval and payment release. Every vendor change
            and approval is logged, and the quarterly control evidence is exported as a report the auditors accept
            without reformatting.
            """,
        "results": "SOX AP controls tested with no deficiencies\nQuarterly evidence pack produced in an hour\n"
        "Segregation of duties enforced by role, not by policy",
        "quote": "Our auditors now use our AP controls as the example for the rest of the business.",
        "quote_by": "James Whitaker, Corporate Controller, Vantage Labs",
        "stages": ["evaluating"],
        "personas": ["security-officer", "economic-buyer"],
        "tags": ["life sciences", "audit", "sox"],
    },
    {
        "key": "cs-kestrel",
        "title": "Kestrel Aerospace Components matches 98% of PO invoices in SAP",
        "customer": "Kestrel Aerospace Components",
        "industry": "Manufacturing",
        "summary": "A precision parts manufacturer on SAP S/4HANA automated line-level three-way matching for "
        "complex, multi-line supplier invoices.",
        "challenge": """
            Kestrel's invoices are long: dozens of lines, partial deliveries, freight and certification charges.
            Its previous OCR tool extracted headers but not lines, so every invoice was matched by hand in SAP.
            """,
        "approach": """
            Ledgerline extracts every line, including unit of measure conversions, and matches against PO lines and
            goods receipts pulled from SAP. Freight within agreed tolerance is accepted; anything else is routed to
            the buyer with the variance highlighted.
            """,
        "results": "98% of PO-backed invoices matched automatically\nMatching team redeployed to supplier quality\n"
        "Early-payment discounts captured on 85% of eligible invoices",
        "quote": "Line-level matching on our invoices was the thing every other vendor said was impossible.",
        "quote_by": "Heike Brandt, Finance Director, Kestrel Aerospace Components",
        "stages": ["evaluating"],
        "personas": ["technical-evaluator", "operations-lead"],
        "tags": ["manufacturing", "sap", "three-way matching"],
        "competitors": ["Klueless"],
    },
    {
        "key": "cs-bluepeak",
        "title": "Bluepeak Energy ties field tickets to invoices automatically",
        "customer": "Bluepeak Energy",
        "industry": "Energy",
        "summary": "An oilfield services company matches vendor invoices with signed field tickets and stopped "
        "paying for work that was never done.",
        "challenge": """
            Field supervisors signed paper tickets for work done on site; invoices arrived weeks later at the office.
            Without the ticket, AP had no way of checking hours and rates, and disputes dragged on for months.
            """,
        "approach": """
            Supervisors photograph tickets into Ledgerline's mobile app at the site. When the invoice arrives, it is
            matched with the ticket on well, date and crew, and rate differences are flagged before approval.
            """,
        "results": "Invoice disputes down 58%\n$260,000 in overbilling recovered in the first year\n"
        "Approvals moved from the office to the field",
        "quote": "We used to argue with vendors for months. Now the ticket settles it on day one.",
        "quote_by": "Travis Coleman, Controller, Bluepeak Energy",
        "stages": ["evaluating"],
        "personas": ["operations-lead"],
        "tags": ["energy", "mobile approvals"],
        "profile": "loser",
    },
    {
        "key": "cs-summit",
        "title": "Summit Dental Group outgrew Showcase Pro and switched in 30 days",
        "customer": "Summit Dental Group",
        "industry": "Healthcare",
        "summary": "A dental service organisation with 85 practices moved off Showcase Pro when it hit the limits "
        "of a single-entity bill-pay tool.",
        "challenge": """
            Showcase Pro worked well for Summit's first ten practices. At 85 practices it meant 85 separate accounts,
            no consolidated reporting, and approval rules rebuilt by hand for every new acquisition.
            """,
        "approach": """
            Summit moved every practice into one Ledgerline workspace with entity-level coding. Vendor records and
            payment history were migrated, and new practices are now added from a template in an hour.
            """,
        "results": "Switched 85 practices in 30 days\nOne consolidated view of spend across the group\n"
        "New acquisitions live on AP in their first week",
        "quote": "We should have switched at practice twenty. Don't wait as long as we did.",
        "quote_by": "Karen Liu, VP Finance, Summit Dental Group",
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["healthcare", "multi-entity", "competitive displacement"],
        "competitors": ["Showcase Pro"],
        "profile": "winner",
    },
    {
        "key": "cs-arden",
        "title": "Arden Industrial Supply replaced Seismix AP in eleven weeks",
        "customer": "Arden Industrial Supply",
        "industry": "Distribution",
        "summary": "A distributor kept Seismix for purchasing but replaced its AP module with Ledgerline, "
        "cutting licence and services costs by 40%.",
        "challenge": """
            Arden bought the full Seismix suite three years ago. Purchasing worked; AP did not. Approvers hated the
            interface, and every change to a workflow needed a paid change request to the implementation partner.
            """,
        "approach": """
            Ledgerline connected to Seismix for purchase orders and to Microsoft Dynamics for posting, so buyers kept
            their purchasing process. The finance team now edits approval workflows itself.
            """,
        "results": "Live in 11 weeks, on a fixed-fee implementation\nAP software and services spend down 40%\n"
        "Approver adoption above 95% in the first month",
        "quote": "We kept what Seismix is good at and replaced what it isn't.",
        "quote_by": "Nathan Brooks, CFO, Arden Industrial Supply",
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "procurement"],
        "tags": ["distribution", "dynamics 365", "competitive displacement"],
        "competitors": ["Seismix"],
        "profile": "winner",
    },
    {
        "key": "cs-fairmont",
        "title": "Fairmont Nonprofit Alliance codes every invoice to the right grant",
        "customer": "Fairmont Nonprofit Alliance",
        "industry": "Nonprofit",
        "summary": "A federation of 12 nonprofits allocates shared invoices across grants and programmes and "
        "reports restricted spend to funders on demand.",
        "challenge": """
            Shared costs like rent and software had to be split across grants by hand every month. Funders asked
            for spend reports at short notice, and the finance team rebuilt them from spreadsheets each time.
            """,
        "approach": """
            Allocation rules in Ledgerline split shared invoices across grants and programmes when they are coded,
            and the split posts to the general ledger with the invoice. Funder reports are a saved view.
            """,
        "results": "Monthly allocation work cut from 3 days to 2 hours\nFunder reports produced on demand\n"
        "Clean single audit for the second year running",
        "quote": "Our funders get better reports and our team gets its weekends back.",
        "quote_by": "Maria Santos, Finance Director, Fairmont Nonprofit Alliance",
        "stages": ["evaluating"],
        "personas": ["operations-lead", "economic-buyer"],
        "tags": ["nonprofit", "allocations"],
        "status": "in_review",
    },
]

BATTLE_CARDS = [
    {
        "key": "bc-highbeam",
        "competitor": "Highbeam",
        "title": "Battle card: Highbeam",
        "summary": "Highbeam leads with payments and card rebates. Win on approval depth, multi-entity accounting "
        "and total cost once their card economics are unpacked.",
        "body": """
            ## The situation

            Highbeam shows up in most mid-market deals, usually because the buyer already uses its corporate cards.
            Its pitch is simple: one platform for cards, bills and reimbursements, with rebates that "pay for the
            software". Expect a polished demo and an aggressive first-year discount.

            ## Pricing and packaging

            Highbeam's AP module is priced low because the company earns on card interchange. The catch is in the
            terms: rebates depend on routing most payments through its card, and several buyers told us the AP
            price doubled at renewal once card volume fell short.

            ## Recent intel

            Highbeam launched a "multi-entity" add-on last quarter. In the demos we have seen, it shares one approval
            policy across all entities and cannot post intercompany entries, which matters for any group with more
            than a handful of subsidiaries.
            """,
        "strengths": "Polished, consumer-grade user interface\nCards, reimbursements and bills in one product\n"
        "Aggressive first-year pricing subsidised by card interchange",
        "weaknesses": "Approval routing limited to amount and department\nMulti-entity add-on shares one policy, "
        "no intercompany\nRenewal pricing tied to card volume commitments",
        "landmines": "How would an invoice for entity B, ordered by entity A, be approved and posted?\n"
        "What happens to the price if card volume is lower than forecast?\n"
        "Can an approver see the PO and the receipt next to the invoice?",
        "how_we_win": "Bring the finance team's real approval matrix to the demo and ask both vendors to configure "
        "it. Then model the renewal: our price does not depend on how they pay their suppliers. Use the "
        "Meridian and Pinecrest stories for multi-entity proof.",
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["competitive", "payments"],
        "profile": "winner",
    },
    {
        "key": "bc-seismix",
        "competitor": "Seismix",
        "title": "Battle card: Seismix",
        "summary": "Seismix sells a full procure-to-pay suite top-down. Win on time to value, approver adoption and "
        "a fixed-fee implementation; coexist with their purchasing module where it is already in.",
        "body": """
            ## The situation

            Seismix enters through the CFO or the CPO with a suite story: sourcing, purchasing, contracts and AP in one
            platform. It is strongest when procurement leads the evaluation and weakest when the AP team does.

            ## Pricing and packaging

            Expect a multi-year suite licence plus an implementation by a certified partner, typically 6 to 9 months.
            Services often cost as much as the first year's licence. Changes to workflows after go-live are paid change
            requests.

            ## Recent intel

            Seismix has started offering AP as a standalone module to compete in the mid-market, but the implementation
            method has not changed. Ask for a customer live on AP alone in under six months.
            """,
        "strengths": "Deep purchasing, sourcing and contract management\nEstablished brand with procurement leaders\n"
        "Large partner ecosystem",
        "weaknesses": "Long, services-heavy implementations\nDated approver experience, low adoption outside finance\n"
        "Workflow changes require paid partner work",
        "landmines": "Who will change an approval workflow after go-live, and what does that cost?\n"
        "Can we speak to a customer that went live on AP in under six months?\n"
        "How do approvers who log in twice a month find the invoices waiting for them?",
        "how_we_win": "Shift the evaluation from the suite to AP outcomes in the first 90 days. Offer our fixed-fee "
        "implementation plan and the Arden story: keep Seismix purchasing, replace its AP.",
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "procurement"],
        "tags": ["competitive", "enterprise"],
        "profile": "winner",
    },
    {
        "key": "bc-showcase",
        "competitor": "Showcase Pro",
        "title": "Battle card: Showcase Pro",
        "summary": "Showcase Pro is cheap and easy for small teams. Win when the buyer has multiple entities, "
        "purchase orders or growth plans that outrun a bill-pay app.",
        "body": """
            ## The situation

            Showcase Pro is often already in place, introduced by the company's outside accountant. Buyers come to us
            when they have outgrown it, so the conversation is about what changes at their next stage of growth.

            ## Pricing and packaging

            Per-user pricing with a low entry point. Each legal entity is a separate subscription, which gets expensive
            and fragmented past five or six entities.

            ## Recent intel

            Showcase Pro added basic PO matching on its top tier. It matches at header level only and does not read
            goods receipts from the ERP.
            """,
        "strengths": "Very low entry price\nFamiliar to accounting firms, who recommend it\nQuick to set up",
        "weaknesses": "One subscription per entity, no consolidated view\nHeader-level PO matching only\n"
        "Slows down above a few hundred invoices a month",
        "landmines": "How will you see spend across all your entities in one report?\n"
        "What happens when an invoice only partially matches a purchase order?\n"
        "How many invoices a month do you expect in two years?",
        "how_we_win": "Sell the next two years, not the next two months. Use the Summit Dental switch story and "
        "offer a migration of vendor records and history.",
        "stages": ["evaluating", "interested"],
        "personas": ["economic-buyer", "end-user-champion"],
        "tags": ["competitive", "smb"],
    },
    {
        "key": "bc-guidewell",
        "competitor": "Guidewell",
        "title": "Battle card: Guidewell",
        "summary": "Guidewell is the ERP reseller's AP add-on. Win on capture accuracy, approver experience and an "
        "independent roadmap, without attacking the buyer's ERP choice.",
        "body": """
            ## The situation

            Guidewell appears when the buyer's ERP reseller hears about the project. It is easy to buy on the existing
            contract and feels native inside the ERP, which appeals to IT.

            ## Pricing and packaging

            Bundled into the reseller's annual agreement, sometimes discounted to zero for the first year. Capture is
            priced per document on top.

            ## Recent intel

            Several Guidewell customers have told us capture accuracy on multi-page invoices is below 70%, which means
            keying most lines anyway. The reseller also controls upgrades, so fixes arrive on its schedule.
            """,
        "strengths": "Sold by a trusted reseller on an existing contract\nLooks native inside the ERP\n"
        "Cheap or free in year one",
        "weaknesses": "Low capture accuracy on multi-line and multi-page invoices\nApprovers need an ERP licence\n"
        "Roadmap and support depend on the reseller",
        "landmines": "Do approvers need an ERP licence to approve an invoice?\n"
        "What share of your invoices would be captured without manual correction?\n"
        "Who do you call when capture gets a line wrong?",
        "how_we_win": "Run a capture bake-off on 50 of the buyer's own invoices. Show approvals outside the ERP, "
        "and position Ledgerline as the AP layer that makes their ERP investment pay off.",
        "stages": ["evaluating"],
        "personas": ["technical-evaluator", "operations-lead"],
        "tags": ["competitive", "erp"],
        "profile": "loser",
    },
    {
        "key": "bc-klueless",
        "competitor": "Klueless",
        "title": "Battle card: Klueless",
        "summary": "Klueless is OCR only. Win by showing the whole AP process: capture is 20% of the work, "
        "approvals, matching and payment are the rest.",
        "body": """
            ## The situation

            Klueless is usually shortlisted by an IT or operations lead looking for the cheapest way to stop keying
            invoices. It does that one thing at a low per-page price.

            ## Pricing and packaging

            Per-page pricing with volume tiers. Buyers rarely count the tools they still need: approvals, matching,
            payments and the integration work between them.

            ## Recent intel

            Klueless announced an approvals beta. It is email-only, with no mobile app and no delegation.
            """,
        "strengths": "Low per-page price\nSimple to try, with a self-serve trial\nGood header-level extraction",
        "weaknesses": "No approvals, matching or payments in the product\nLine-level extraction unreliable\n"
        "Integration to the ERP left to the customer",
        "landmines": "After the invoice is read, how does it get approved and paid?\n"
        "Who builds and maintains the integration with your ERP?\n"
        "What does it cost per invoice once you add the other tools?",
        "how_we_win": "Map the whole invoice-to-pay process on a whiteboard and put a cost next to each step. Use "
        "the Kestrel story for line-level capture.",
        "stages": ["evaluating", "interested"],
        "personas": ["technical-evaluator", "operations-lead"],
        "tags": ["competitive", "invoice capture"],
    },
    {
        "key": "bc-highbeam-2024",
        "competitor": "Highbeam",
        "title": "Battle card: Highbeam (2024 edition)",
        "summary": "Superseded by the current Highbeam battle card; kept for reference.",
        "body": """
            ## The situation

            Highbeam was mainly a corporate card company in 2024 and had just launched bill pay. This card describes
            that product and is out of date.

            ## Where to go instead

            Use the current Highbeam battle card, which covers the multi-entity add-on and the new pricing.
            """,
        "strengths": "Corporate cards with rebates\nModern interface",
        "weaknesses": "New to accounts payable\nNo purchase order matching",
        "landmines": "How long has the AP product been generally available?",
        "how_we_win": "Position Ledgerline as the proven AP specialist.",
        "stages": ["evaluating"],
        "personas": ["economic-buyer"],
        "tags": ["competitive"],
        "status": "archived",
    },
]

OBJECTIONS = [
    {
        "key": "obj-erp-has-ap",
        "title": '"Our ERP already does accounts payable"',
        "objection": "We already have an AP module in our ERP. Why would we pay for another tool?",
        "response": "Your ERP records invoices very well; it was not built to capture, route and match them. "
        "Ledgerline does the work before the invoice reaches the ERP and posts a clean, approved, matched "
        "entry, so the ERP stays the system of record.",
        "body": """
            ## Why they say it

            The buyer has just paid for an ERP and does not want to hear that it is missing something. Often IT has
            already said "the ERP can do that".

            ## How to answer

            Agree that the ERP is the system of record, then ask how an invoice gets into it today: who keys it, who
            approves it and where the approval is recorded. Most ERP AP modules assume the invoice has already been
            captured and approved elsewhere.

            ## What to do next

            Offer a 30-minute process walk-through with the AP lead and map the steps that happen outside the ERP.
            """,
        "proof": ["cs-brightwater", "cs-kestrel"],
        "stages": ["interested", "evaluating"],
        "personas": ["technical-evaluator", "economic-buyer"],
        "tags": ["erp", "objection handling"],
        "competitors": ["Guidewell"],
        "profile": "winner",
    },
    {
        "key": "obj-too-expensive",
        "title": '"It\'s too expensive for our volume"',
        "objection": "This is more than we budgeted. For our invoice volume it's hard to justify.",
        "response": "Let's put the cost next to what invoices cost you today. Most teams spend $10 to $15 per "
        "invoice fully loaded; customers at your volume get under $4. At 3,000 invoices a month the difference "
        "is larger than the subscription in the first year.",
        "body": """
            ## Why they say it

            Sometimes it is a negotiating position, sometimes the budget really was set before the business case.
            Find out which before you discount.

            ## How to answer

            Move from price to cost per invoice. Ask for their monthly volume, AP headcount and late fees, and fill
            in the ROI one-pager together. Late fees and duplicate payments alone often cover the subscription.

            ## What to do next

            Send the business case recap email to the economic buyer with their own numbers in it.
            """,
        "proof": ["cs-brightwater", "cs-halvorsen"],
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "procurement"],
        "tags": ["pricing", "roi", "objection handling"],
        "profile": "winner",
    },
    {
        "key": "obj-implementation-time",
        "title": '"We don\'t have time for an implementation"',
        "objection": "Our team is already stretched. We can't take on a months-long implementation right now.",
        "response": "Most customers at your size are live in four to eight weeks, and the AP team spends about "
        "three hours a week on it. We configure, connect the ERP and train approvers; your team reviews and "
        "signs off.",
        "body": """
            ## Why they say it

            They have lived through a painful ERP project, or they are comparing us with a suite vendor that quoted
            six months.

            ## How to answer

            Show the 30-60-90 day implementation plan and be specific about who does what. The AP team's time goes
            into two workshops and weekly check-ins; the integration is ours.

            ## What to do next

            Offer a call with a customer who went live in under six weeks, such as Tallis Software.
            """,
        "proof": ["cs-tallis", "cs-arden"],
        "stages": ["evaluating"],
        "personas": ["operations-lead", "economic-buyer"],
        "tags": ["implementation", "objection handling"],
        "competitors": ["Seismix"],
    },
    {
        "key": "obj-approver-adoption",
        "title": '"Our approvers will never log in to another tool"',
        "objection": "Our managers barely approve things in the ERP. They won't log in to yet another system.",
        "response": "They don't have to. Approvers act from email, Slack, Teams or the mobile app, with the "
        "invoice, the PO and the budget in front of them. Customers see average approval times under two days.",
        "body": """
            ## Why they say it

            Approval delays are usually the AP team's biggest frustration, and they have tried to fix them before.

            ## How to answer

            Show an approval from a phone in the demo, and show delegation for when an approver is on holiday. Ask
            how long approvals take today and who chases them.

            ## What to do next

            Share the Northgate story, where approval time went from nine days to two.
            """,
        "proof": ["cs-northgate", "cs-tallis"],
        "stages": ["interested", "evaluating"],
        "personas": ["end-user-champion", "operations-lead"],
        "tags": ["approval workflows", "adoption"],
        "profile": "winner",
    },
    {
        "key": "obj-security",
        "title": '"You\'d be holding our bank details: what about security?"',
        "objection": "You'd have our vendors' bank details and our payment approvals. How do we know that's safe?",
        "response": "Security is reviewed every year by an independent auditor, and we share the full SOC 2 Type II "
        "attestation under NDA. Data is encrypted at rest and in transit, single sign-on and role-based "
        "access are standard, and every bank detail change is verified before a payment is released.",
        "body": """
            ## Why they say it

            Payment fraud through vendor impersonation is the fastest-growing fraud in finance, and their security
            team has probably sent a questionnaire already.

            ## How to answer

            Welcome the question. Offer the security overview one-pager, the SOC 2 Type II attestation under NDA and a
            call with our security team. Explain bank detail verification: it protects them from the most common
            attack on AP.

            ## What to do next

            Send the security questionnaire cover email and book the security review early, not in the last week.
            """,
        "proof": ["cs-vantage", "cs-halvorsen"],
        "stages": ["evaluating"],
        "personas": ["security-officer", "technical-evaluator"],
        "tags": ["security", "fraud prevention"],
    },
    {
        "key": "obj-vendor-portal",
        "title": '"Our suppliers won\'t use a portal"',
        "objection": "Our suppliers won't sign up for another portal. They'll just keep emailing us.",
        "response": "They can keep emailing: invoices sent to your inbox are captured just the same. The portal is "
        "optional for suppliers, and the ones who join do so because they can see when they'll be paid.",
        "body": """
            ## Why they say it

            They have seen supplier portals fail, usually ones that forced suppliers to re-key invoices.

            ## How to answer

            Make clear nothing changes for suppliers who don't want it to. Then show what suppliers get from joining:
            status and expected payment dates without calling AP.

            ## What to do next

            Share the Copperline story: 900 suppliers joined voluntarily in ten weeks.
            """,
        "proof": ["cs-copperline"],
        "stages": ["evaluating"],
        "personas": ["operations-lead"],
        "tags": ["vendor portal", "objection handling"],
    },
    {
        "key": "obj-ocr-fails",
        "title": '"We tried OCR before and it didn\'t work"',
        "objection": "We tried an OCR tool two years ago. It got half the invoices wrong and we gave up.",
        "response": "First-generation OCR read templates; Ledgerline learns from your corrections and reads line "
        "items, not just headers. Send us 50 of your hardest invoices and we'll show you the results before "
        "you commit.",
        "body": """
            ## Why they say it

            They bought a capture tool, probably a per-page OCR product, and spent more time correcting it than
            keying invoices.

            ## How to answer

            Don't argue; offer proof on their own documents. A capture test on 50 real invoices takes a week and
            settles the question.

            ## What to do next

            Request the sample invoices and book a review of the results with the AP lead.
            """,
        "proof": ["cs-kestrel"],
        "stages": ["evaluating"],
        "personas": ["end-user-champion", "technical-evaluator"],
        "tags": ["invoice capture", "objection handling"],
        "competitors": ["Klueless"],
        "profile": "winner",
    },
    {
        "key": "obj-erp-migration",
        "title": '"We\'ll revisit after our ERP migration"',
        "objection": "We're moving to a new ERP next year. Let's talk again once that's done.",
        "response": "Putting Ledgerline in first makes the migration easier: invoices, approvals and vendor "
        "records stay in one place while the ERP changes underneath, and we switch the connector on cut-over day.",
        "body": """
            ## Why they say it

            Finance teams fear running two projects at once, and it's a polite way to defer a decision.

            ## How to answer

            Ask when the migration starts and how they will handle AP during the cut-over. Explain that we have
            connectors for both the old and the new ERP in most cases.

            ## What to do next

            Offer a short session with their ERP project lead to plan the sequence.
            """,
        "proof": ["cs-meridian"],
        "stages": ["interested"],
        "personas": ["technical-evaluator", "economic-buyer"],
        "tags": ["erp", "timing"],
        "profile": "loser",
    },
    {
        "key": "obj-card-rebates",
        "title": '"Highbeam\'s rebates make it free"',
        "objection": "Highbeam says their card rebates pay for the whole platform. Can you match that?",
        "response": "Ledgerline Pay earns rebates on card payments too, without tying your software price to "
        "your card volume. Ask Highbeam what happens to the price at renewal if fewer suppliers accept cards "
        "than forecast.",
        "body": """
            ## Why they say it

            Highbeam's pitch is built on rebates, and it is persuasive on a slide.

            ## How to answer

            Separate the two questions: which AP platform fits the process, and how to earn the most on payments.
            Then run the numbers on realistic supplier card acceptance, usually 20 to 40% of spend.

            ## What to do next

            Share the Redfern story on card rebates and the Highbeam battle card with the champion.
            """,
        "proof": ["cs-redfern"],
        "stages": ["evaluating"],
        "personas": ["economic-buyer"],
        "tags": ["payments", "competitive"],
        "competitors": ["Highbeam"],
        "profile": "loser",
    },
    {
        "key": "obj-status-quo",
        "title": '"Our current process works fine"',
        "objection": "Honestly, what we have works. It's manual, but the team knows it and bills get paid.",
        "response": "It works because your team works around it. Ask what happens at month-end, when someone is "
        "on holiday, or when volume grows 30%. Most teams don't see the cost until we count it together.",
        "body": """
            ## Why they say it

            There is no burning platform yet, or the person speaking built the current process.

            ## How to answer

            Be respectful of the process and curious about its limits. Quantify the hidden costs: late fees, overtime
            at close, duplicate payments.

            ## What to do next

            Suggest a short assessment of last quarter's invoices to find duplicates and late fees.
            """,
        "proof": ["cs-halvorsen", "cs-tallis"],
        "stages": ["engaged", "interested"],
        "personas": ["operations-lead", "end-user-champion"],
        "tags": ["discovery", "objection handling"],
    },
    {
        "key": "obj-treasury-control",
        "title": '"Treasury won\'t give up control of payment runs"',
        "objection": "Treasury controls our payment runs and they won't hand that to a new vendor.",
        "response": "They don't have to. Ledgerline can prepare approved payment files for treasury to release "
        "through your bank as today, or release payments itself with treasury as the final approver.",
        "body": """
            ## Why they say it

            Payment release is a sensitive control, and treasury was not in the room when AP chose to evaluate us.

            ## How to answer

            Show both options and let treasury choose. Offer a session with treasury early, before they hear about the
            project second-hand.

            ## What to do next

            Send the payments controls one-pager to the treasury lead.
            """,
        "proof": ["cs-vantage"],
        "stages": ["evaluating"],
        "personas": ["security-officer", "economic-buyer"],
        "tags": ["payments", "controls"],
        "profile": "shelf",
    },
    {
        "key": "obj-data-exit",
        "title": '"What happens to our data if we leave?"',
        "objection": "If we stop using Ledgerline in three years, what happens to our invoices and audit trail?",
        "response": "Your data is yours. You can export every invoice image, its data and its full audit trail at "
        "any time, and the contract guarantees a complete export at the end of the term.",
        "body": """
            ## Why they say it

            Usually procurement or legal, checking for lock-in.

            ## How to answer

            Point to the data export section of the contract and show the export in the product. Offer it in writing.

            ## What to do next

            Loop in the deal desk if they want contract language changed.
            """,
        "proof": [],
        "stages": ["evaluating"],
        "personas": ["procurement", "security-officer"],
        "tags": ["contracts"],
    },
    {
        "key": "obj-three-quotes",
        "title": '"Procurement needs three quotes and a price lock"',
        "objection": "Procurement requires three competing quotes and a three-year price lock before we can sign.",
        "response": "That's standard and we're happy to support it. We can offer a multi-year agreement with "
        "capped increases, and we'll make sure you're comparing like for like across the quotes.",
        "body": """
            ## Why they say it

            It is policy, not a signal that the deal is lost. It does add time.

            ## How to answer

            Ask for procurement's timeline and criteria early, and share the comparison guides so quotes are compared
            on scope, not only price.

            ## What to do next

            Involve the deal desk for multi-year terms.
            """,
        "proof": [],
        "stages": ["evaluating"],
        "personas": ["procurement"],
        "tags": ["pricing", "contracts"],
        "profile": "loser",
    },
    {
        "key": "obj-complex-invoices",
        "title": '"Our invoices are too complex to automate"',
        "objection": "Our invoices are long and messy: freight, partial deliveries, credits. Automation won't cope.",
        "response": "Complex invoices are where automation pays most. Ledgerline matches at line level, handles "
        "partial receipts and freight tolerances, and routes only the real exceptions to a person.",
        "body": """
            ## Why they say it

            They picture simple invoices in the demo and their own worst invoices in real life.

            ## How to answer

            Ask them to bring their three worst invoices to the next call and run them live.

            ## What to do next

            Share the Kestrel story on line-level matching.
            """,
        "proof": ["cs-kestrel", "cs-brightwater"],
        "stages": ["evaluating"],
        "personas": ["operations-lead", "technical-evaluator"],
        "tags": ["three-way matching", "manufacturing"],
        "status": "draft",
    },
]

ONE_PAGERS = [
    {
        "key": "op-overview",
        "title": "Ledgerline product overview",
        "summary": "What Ledgerline does, for whom, and the outcomes customers see, on one page.",
        "body": """
            ## Accounts payable without the busywork

            Ledgerline automates accounts payable from the moment an invoice arrives to the moment the supplier is
            paid. It captures invoices from email, the vendor portal or paper, matches them to purchase orders and
            receipts, routes them for approval and posts them to your ERP.

            ## Who it's for

            Finance and operations teams processing 500 to 50,000 invoices a month, on NetSuite, Sage Intacct,
            Microsoft Dynamics 365, SAP or QuickBooks Online, often across several entities.

            ## What customers see

            - 60 to 80% of invoices posted without manual touch
            - Cost per invoice down by two-thirds or more
            - Month-end close shortened by several days
            """,
        "stages": ["curious", "engaged", "interested"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["product overview"],
        "profile": "winner",
    },
    {
        "key": "op-pay",
        "title": "Ledgerline Pay at a glance",
        "summary": "Pay suppliers by ACH, virtual card, check or wire from one approved run, and earn rebates "
        "on card spend.",
        "body": """
            ## One payment run, every method

            Ledgerline Pay turns approved invoices into a payment run that pays each supplier the way they prefer:
            ACH, virtual card, check or international wire. Treasury approves the run; we handle the rest.

            ## Rebates without strings

            Card payments earn a rebate. Your Ledgerline subscription does not depend on how much you pay by card.

            ## Controls built in

            Bank detail changes are verified before payment, and every payment is reconciled back to the invoice and
            the ERP automatically.
            """,
        "stages": ["interested", "evaluating"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["ledgerline pay", "payments"],
    },
    {
        "key": "op-fraud",
        "title": "Payment fraud and controls",
        "summary": "How Ledgerline protects against vendor impersonation, duplicate payments and unapproved spend.",
        "body": """
            ## The threat

            Vendor impersonation, where a fraudster asks AP to update a supplier's bank details, is now the most
            common attack on finance teams. Duplicate payments are the most common accident.

            ## How Ledgerline helps

            - Bank detail changes are verified by call-back before any payment is released
            - Likely duplicates are flagged on vendor, amount, dates and line items, not just invoice numbers
            - Segregation of duties between vendor maintenance, approval and payment release

            ## Evidence for auditors

            Every change and approval is logged with user and timestamp, and exported as a control evidence report.
            """,
        "stages": ["evaluating"],
        "personas": ["security-officer", "economic-buyer"],
        "tags": ["fraud prevention", "controls"],
        "profile": "winner",
    },
    {
        "key": "op-netsuite",
        "title": "Ledgerline for NetSuite",
        "summary": "How the NetSuite connector syncs vendors, POs, receipts and postings, and what IT needs to do.",
        "body": """
            ## A certified connector

            Ledgerline connects to NetSuite with a certified SuiteApp. Vendors, purchase orders, item receipts,
            subsidiaries, departments, classes and locations sync every fifteen minutes.

            ## What posts back

            Approved vendor bills post with their coding, attachments and approval history. Payments made through
            Ledgerline Pay post as bill payments and reconcile automatically.

            ## What IT needs to do

            Install the SuiteApp, create an integration role, and approve the connection. Most teams finish in an
            afternoon.
            """,
        "stages": ["evaluating"],
        "personas": ["technical-evaluator"],
        "tags": ["netsuite", "integrations"],
    },
    {
        "key": "op-security",
        "title": "Security and compliance overview",
        "summary": "Certifications, hosting, encryption, access control and data handling, for security reviews.",
        "body": """
            ## Independent assurance

            Ledgerline holds a SOC 2 Type II attestation covering security, availability and confidentiality, renewed
            every year. The full attestation is shared under NDA.

            ## Data protection

            Data is hosted in the United States or the European Union, at the customer's choice, encrypted at rest
            with AES-256 and in transit with TLS 1.2 or later.

            ## Access control

            Single sign-on with SAML, role-based permissions, and an audit log of every sign-in and change.
            """,
        "stages": ["evaluating"],
        "personas": ["security-officer", "technical-evaluator"],
        "tags": ["security"],
    },
    {
        "key": "op-roi",
        "title": "ROI at a glance: what AP automation is worth to you",
        "summary": "A one-page worksheet to estimate savings from cost per invoice, late fees, duplicates and "
        "early-payment discounts.",
        "body": """
            ## Four sources of value

            1. **Processing cost**: fully loaded cost per invoice today, typically $10 to $15, against under $4.
            2. **Late fees**: usually 1 to 2% of invoices incur one when approvals stall.
            3. **Duplicate payments**: 0.1 to 0.5% of spend in teams without a strong duplicate check.
            4. **Discounts**: early-payment discounts captured because approvals are fast.

            ## How to use this page

            Fill in the buyer's volume, headcount and spend with them on the call. Keep their numbers, not ours: the
            business case is more credible in their own words.
            """,
        "stages": ["interested", "evaluating"],
        "personas": ["economic-buyer"],
        "tags": ["roi", "business case"],
        "timing": "expired",
    },
    {
        "key": "op-implementation",
        "title": "Your first 90 days with Ledgerline",
        "summary": "The implementation plan week by week: who does what, from kickoff to the first touchless month.",
        "body": """
            ## Days 1 to 30: connect and configure

            Kickoff, ERP connection, approval rules and coding defaults. Your team spends two workshops with us.

            ## Days 31 to 60: go live

            Invoices flow through Ledgerline for one entity or location first, then the rest. Approvers are trained
            with a ten-minute video and a live session.

            ## Days 61 to 90: tune

            We review exceptions with your AP lead every week and tune matching tolerances and coding suggestions
            until touchless rates are where they should be.
            """,
        "stages": ["evaluating", "customer"],
        "personas": ["operations-lead", "end-user-champion"],
        "tags": ["implementation"],
        "profile": "winner",
    },
    {
        "key": "op-portal",
        "title": "The Ledgerline vendor portal",
        "summary": "What suppliers see and do in the portal, and how it cuts status calls to AP.",
        "body": """
            ## For suppliers

            Suppliers register themselves, upload tax forms and bank details, submit invoices and see when each
            invoice will be paid.

            ## For AP

            New vendors arrive complete and verified. Status questions answer themselves.

            ## Rollout

            Invite suppliers in waves, largest first. Most customers reach half their spend within two months.
            """,
        "stages": ["interested", "evaluating"],
        "personas": ["operations-lead"],
        "tags": ["vendor portal"],
        "profile": "shelf",
    },
]

DECKS = [
    {
        "key": "deck-discovery",
        "title": "First meeting deck: accounts payable today and tomorrow",
        "summary": "Twelve slides for a first conversation: the cost of manual AP, what good looks like, and the "
        "questions to ask.",
        "body": """
            ## How to use it

            This is a conversation deck, not a pitch. Spend most of the meeting on slides 4 to 7, where the buyer
            describes their invoice process and you fill in the map together.

            ## The storyline

            Invoices are growing faster than finance teams. Manual AP costs $10 to $15 an invoice and delays the
            close. The best teams post most invoices without touching them and spend their time on exceptions.

            ## After the meeting

            Send the post-discovery follow-up email with the process map attached.
            """,
        "stages": ["interested"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["discovery"],
        "profile": "winner",
    },
    {
        "key": "deck-business-case",
        "title": "Executive business case deck",
        "summary": "The CFO-level deck: cost per invoice, close time, risk and the investment, built around the "
        "buyer's own numbers.",
        "body": """
            ## When to use it

            Once you have the buyer's volume, headcount and pain points from discovery, and before the proposal.
            Replace every placeholder number with theirs.

            ## The storyline

            Where AP is today, what it costs, what changes with Ledgerline, what customers like them achieved, and the
            investment with payback period.

            ## Tips

            Keep the product demo out of this deck. The CFO wants the outcome and the risk, not the screens.
            """,
        "stages": ["evaluating"],
        "personas": ["economic-buyer"],
        "tags": ["business case", "roi"],
        "profile": "winner",
    },
    {
        "key": "deck-technical",
        "title": "Technical deep dive deck",
        "summary": "Architecture, integrations, security and data flows for IT and security reviewers.",
        "body": """
            ## Audience

            IT architects, ERP owners and security reviewers. Bring a solutions engineer.

            ## Contents

            Hosting and architecture, the ERP connectors and what they sync, single sign-on and roles, data retention,
            and the implementation plan from IT's point of view.

            ## Common follow-ups

            The security questionnaire, the data processing agreement and the connector documentation.
            """,
        "stages": ["evaluating"],
        "personas": ["technical-evaluator", "security-officer"],
        "tags": ["integrations", "security"],
    },
    {
        "key": "deck-qbr",
        "title": "Customer business review deck",
        "summary": "Quarterly review template for customers: results against the business case, adoption and "
        "next steps.",
        "body": """
            ## Purpose

            Show the customer what they achieved against the business case they signed, and agree what to improve
            next quarter.

            ## Contents

            Touchless rate, cost per invoice, approval times, supplier portal adoption, and the roadmap items that
            matter to them.

            ## Expansion

            The last section suggests the next step: more entities, the vendor portal, or Ledgerline Pay.
            """,
        "stages": ["customer"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["customer success", "expansion"],
        "status": "in_review",
    },
    {
        "key": "deck-2024",
        "title": "Ledgerline pitch deck (2024)",
        "summary": "The 2024 corporate pitch deck. Replaced by the first meeting and business case decks.",
        "body": """
            ## Retired

            This deck used the 2024 positioning and pricing. Use the first meeting deck for discovery and the
            executive business case deck for the CFO.

            ## Kept for reference

            Some customer logos and numbers in it are no longer approved for use.
            """,
        "stages": ["interested"],
        "personas": ["economic-buyer"],
        "tags": ["product overview"],
        "status": "archived",
    },
]

EMAIL_TEMPLATES = [
    {
        "key": "em-post-discovery",
        "title": "Email: follow-up after a discovery call",
        "summary": "Recap the buyer's process and pains in their words, and propose the next step.",
        "body": """
            **Subject:** Your invoice process, as we heard it

            Hi {first name},

            Thanks for walking me through how invoices move at {company} today. What I heard: around {volume}
            invoices a month, approvals by email, and a close that slips when approvers are travelling.

            Attached is the process map we sketched. Could we spend 45 minutes next week with {AP lead} to look at
            how customers like {reference customer} handle the same steps?

            Best,
            {your name}
            """,
        "stages": ["interested"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["discovery", "follow-up"],
        "profile": "winner",
    },
    {
        "key": "em-cfo-recap",
        "title": "Email: business case recap for the CFO",
        "summary": "A short note to the economic buyer with the numbers agreed with their team.",
        "body": """
            **Subject:** The numbers your team shared, in one place

            Hi {first name},

            Your AP team estimated invoices cost about {cost today} each to process today. Customers at your volume
            get under {cost with Ledgerline}, which would save roughly {annual saving} a year before late fees and
            duplicates.

            I've attached the one-page business case. Would 20 minutes on {date} work to go through it?

            Best,
            {your name}
            """,
        "stages": ["evaluating"],
        "personas": ["economic-buyer"],
        "tags": ["business case", "follow-up"],
    },
    {
        "key": "em-reference",
        "title": "Email: introducing a customer reference",
        "summary": "Connect a prospect with a reference customer, with context for both sides.",
        "body": """
            **Subject:** Introduction: {prospect name} and {reference name}

            Hi both,

            {reference name}, thank you for offering to share your experience. {prospect name} leads finance at
            {company} and is looking at how to handle {specific challenge}, which I know you solved last year.

            I'll leave it to you two to find a time. Thank you both.

            Best,
            {your name}
            """,
        "stages": ["evaluating"],
        "personas": ["economic-buyer"],
        "tags": ["references"],
    },
    {
        "key": "em-security",
        "title": "Email: cover note for a security questionnaire",
        "summary": "Send completed security questionnaires with the supporting documents and an offer to talk.",
        "body": """
            **Subject:** Security review: questionnaire and supporting documents

            Hi {first name},

            Attached is the completed questionnaire, our security overview and the mutual NDA. Once the NDA is signed
            I'll share the SOC 2 Type II attestation.

            If it helps, our security lead can join a 30-minute call to go through any open points.

            Best,
            {your name}
            """,
        "stages": ["evaluating"],
        "personas": ["security-officer", "technical-evaluator"],
        "tags": ["security"],
    },
    {
        "key": "em-breakup",
        "title": "Email: closing the loop on a stalled deal",
        "summary": "A polite last message that often restarts a stalled conversation.",
        "body": """
            **Subject:** Should I close your file?

            Hi {first name},

            I haven't heard back since {last meeting}, which usually means priorities have shifted. Should I close the
            file for now, or is invoice automation still on the list for this year?

            Either answer is helpful.

            Best,
            {your name}
            """,
        "stages": ["interested", "evaluating"],
        "personas": ["economic-buyer", "end-user-champion"],
        "tags": ["follow-up"],
        "profile": "loser",
    },
    {
        "key": "em-reengage",
        "title": "Email: re-engaging a closed-lost account",
        "summary": "Reopen a conversation six months after a loss, with something new to say.",
        "body": """
            **Subject:** What's changed since we last spoke

            Hi {first name},

            When we spoke in {month}, you chose to {decision}. Since then we have released {relevant feature}, and
            {similar customer} switched to us for exactly that reason.

            Worth 20 minutes to compare notes?

            Best,
            {your name}
            """,
        "stages": ["engaged"],
        "personas": ["economic-buyer"],
        "tags": ["follow-up", "win-back"],
        "profile": "shelf",
    },
    {
        "key": "em-trial-kickoff",
        "title": "Email: kicking off a capture test",
        "summary": "Set expectations for a capture test on the buyer's own invoices.",
        "body": """
            **Subject:** Capture test: what we need and what you'll get

            Hi {first name},

            Please send 50 recent invoices, including your hardest ones, to the secure upload link below. Within a
            week we'll share the extracted data, line by line, with an accuracy summary.

            We'll review it together on {date}.

            Best,
            {your name}
            """,
        "stages": ["evaluating"],
        "personas": ["end-user-champion", "technical-evaluator"],
        "tags": ["invoice capture"],
    },
    {
        "key": "em-expansion",
        "title": "Email: proposing Ledgerline Pay to a customer",
        "summary": "Introduce payments to a customer who uses Ledgerline for capture and approvals.",
        "body": """
            **Subject:** Turning your payment run into a rebate

            Hi {first name},

            You approved {invoice count} invoices in Ledgerline last quarter, then paid them outside it. Customers who
            add Ledgerline Pay typically earn {rebate range} a year in card rebates and retire most of their checks.

            Can I show you what that would look like with your supplier list?

            Best,
            {your name}
            """,
        "stages": ["customer"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["ledgerline pay", "expansion"],
        "timing": "future",
    },
]

COMPARISON_GUIDES = [
    {
        "key": "cg-highbeam",
        "title": "Ledgerline vs Highbeam: a buyer's comparison",
        "summary": "A fair, side-by-side comparison for buyers evaluating both, safe to share with prospects.",
        "body": """
            ## Where Highbeam fits

            Highbeam suits companies that want cards, reimbursements and simple bill pay in one app, with a single
            entity and straightforward approvals.

            ## Where Ledgerline fits

            Ledgerline suits finance teams with purchase orders, several entities or complex approval rules, who need
            invoices matched and posted to the ERP without manual work.

            ## Questions to ask both vendors

            How is an intercompany invoice approved and posted? What happens to pricing at renewal? Can approvers see
            the purchase order and receipt?
            """,
        "competitors": ["Highbeam"],
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["competitive", "payments"],
        "profile": "winner",
    },
    {
        "key": "cg-seismix",
        "title": "Ledgerline vs Seismix AP: time to value compared",
        "summary": "Implementation time, total cost over three years and approver experience, compared.",
        "body": """
            ## Two different approaches

            Seismix is a procure-to-pay suite; its AP module is one part of a larger implementation. Ledgerline is an
            AP specialist that connects to whatever purchasing process you have, including Seismix.

            ## Three-year cost

            Include licences, implementation services, change requests and internal time. The services line is where
            the two differ most.

            ## Coexistence

            Several customers keep Seismix for sourcing and purchasing and use Ledgerline for AP.
            """,
        "competitors": ["Seismix"],
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "procurement"],
        "tags": ["competitive", "enterprise"],
    },
    {
        "key": "cg-showcase",
        "title": "Outgrowing bill pay: Ledgerline vs Showcase Pro",
        "summary": "For growing companies on Showcase Pro: the signs you've outgrown it and what switching involves.",
        "body": """
            ## Signs you've outgrown bill pay

            More than one entity, purchase orders that need matching, approvals that depend on more than the amount,
            or a close that waits for AP.

            ## What switching involves

            Vendor records and payment history migrate with you. Most teams switch within a month, with no change for
            suppliers.

            ## What stays the same

            Suppliers are paid the same way, from the same bank accounts.
            """,
        "competitors": ["Showcase Pro"],
        "stages": ["evaluating"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["competitive", "smb"],
        "profile": "shelf",
    },
    {
        "key": "cg-guidewell",
        "title": "ERP add-on or AP specialist? Ledgerline vs Guidewell",
        "summary": "How an AP specialist compares with the ERP reseller's add-on on capture, approvals and support.",
        "body": """
            ## The trade-off

            An ERP add-on is convenient to buy. An AP specialist is built to capture, match and route invoices, and is
            improved every month by a team that does nothing else.

            ## Capture accuracy

            Ask both vendors to process 50 of your own invoices and compare the corrections needed.

            ## Approvals

            Check whether approvers need an ERP licence, and how they approve from a phone.
            """,
        "competitors": ["Guidewell"],
        "stages": ["evaluating"],
        "personas": ["technical-evaluator", "economic-buyer"],
        "tags": ["competitive", "erp"],
        "status": "draft",
    },
    {
        "key": "cg-buyers-guide",
        "title": "The AP automation buyer's checklist",
        "summary": "Twenty questions to ask any AP automation vendor, grouped by capture, approvals, payments, "
        "integration and security.",
        "body": """
            ## Why a checklist

            Demos look alike. The differences show up in your hardest invoices, your approval rules and your ERP.

            ## The questions

            The checklist covers capture accuracy on line items, multi-entity coding, approval delegation, duplicate
            detection, payment methods, ERP sync frequency, single sign-on and data export.

            ## How to use it

            Share it early with the buying committee so every vendor is compared on the same terms.
            """,
        "stages": ["engaged", "interested", "evaluating"],
        "personas": ["economic-buyer", "procurement", "technical-evaluator"],
        "tags": ["buyer's guide", "evaluation"],
    },
]

MORE_ONE_PAGERS = [
    {
        "key": "op-multi-entity",
        "title": "Ledgerline for multi-entity groups",
        "summary": "Entity-level coding, intercompany invoices and consolidated reporting for groups with many "
        "legal entities.",
        "body": """
            ## One workspace, many entities

            Each entity keeps its own coding, approval rules and bank accounts, while the AP team works from one
            queue and one vendor list.

            ## Intercompany

            Invoices ordered by one entity for another are approved by the right people and post intercompany
            entries automatically.

            ## Reporting

            Spend, approval times and touchless rates by entity, in one report.
            """,
        "stages": ["interested", "evaluating"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["multi-entity"],
        "status": "in_review",
    },
    {
        "key": "op-dynamics",
        "title": "Ledgerline for Microsoft Dynamics 365 Business Central",
        "summary": "What the Business Central connector syncs and how long it takes to set up.",
        "body": """
            ## The connector

            Vendors, purchase orders, receipts and dimensions sync from Business Central; approved invoices post as
            purchase invoices with their attachments.

            ## Setup

            An app from Microsoft AppSource and an API connection, typically set up in under a day.

            ## Reference

            Arden Industrial Supply runs Ledgerline with Business Central and Seismix purchasing.
            """,
        "stages": ["evaluating"],
        "personas": ["technical-evaluator"],
        "tags": ["dynamics 365", "integrations"],
        "status": "in_review",
    },
    {
        "key": "op-healthcare",
        "title": "Ledgerline for healthcare groups",
        "summary": "How clinic groups and DSOs automate AP across many locations and entities.",
        "body": """
            ## The challenge

            Healthcare groups grow by acquisition, and every new clinic brings its own suppliers and bookkeeping.

            ## How Ledgerline helps

            Location-level intake, entity coding, rebate tracking on medical supplies and consolidated reporting.

            ## Proof

            Meridian Health Partners and Summit Dental Group both run more than 40 locations on one AP team.
            """,
        "stages": ["engaged", "interested"],
        "personas": ["economic-buyer", "operations-lead"],
        "tags": ["healthcare", "multi-entity"],
        "status": "draft",
    },
]

ASSET_GROUPS = [
    ("case_study", CASE_STUDIES),
    ("battle_card", BATTLE_CARDS),
    ("objection", OBJECTIONS),
    ("one_pager", ONE_PAGERS + MORE_ONE_PAGERS),
    ("deck", DECKS),
    ("email_template", EMAIL_TEMPLATES),
    ("comparison_guide", COMPARISON_GUIDES),
]


def case_study_body(spec: dict) -> str:
    """The Markdown body of a case study, from its challenge, approach, results and quote."""
    results = "\n".join(f"- {line}" for line in spec["results"].splitlines())
    return (
        f"**Customer:** {spec['customer']}  \n**Industry:** {spec['industry']}\n\n"
        f"## The challenge\n\n{_md(spec['challenge'])}\n\n"
        f"## What they did\n\n{_md(spec['approach'])}\n\n"
        f"## The results\n\n{results}\n\n"
        f'> "{spec["quote"]}"\n>\n> {spec["quote_by"]}'
    )


def asset_specs() -> list[tuple[str, dict]]:
    """Every asset as (kind, spec), with the body ready as Markdown."""
    specs = []
    for kind, group in ASSET_GROUPS:
        for spec in group:
            spec = dict(spec)
            spec["body"] = case_study_body(spec) if kind == "case_study" else _md(spec["body"])
            if "summary" not in spec:  # objection entries: the first sentence of the approved answer
                spec["summary"] = spec["response"].split(". ")[0].rstrip(".") + "."
            specs.append((kind, spec))
    return specs


# --- Content requests ----------------------------------------------------------------------------
# requester "rep" is the demo login; other requesters are drawn at random from the reps. `deal`: link
# one of the requester's open deals. `comments`: (author role, text), role "requester" or "assignee".

REQUESTS = [
    # new
    {
        "key": "rq-soc2-summary",
        "status": "new",
        "title": "Short security summary I can paste into RFPs",
        "description": "Every RFP I get has the same 20 security questions and I'm copying answers from old "
        "emails. A page of approved answers (hosting, encryption, SSO, pen tests) would save me hours "
        "and stop me saying something out of date.",
        "kind": "one_pager",
        "stage": "evaluating",
        "persona": "security-officer",
        "priority": 3,
        "requester": "rep",
        "deal": True,
    },
    {
        "key": "rq-klueless-pricing",
        "status": "new",
        "title": "Klueless per-page pricing vs our per-invoice pricing",
        "description": "Prospect's IT lead has a Klueless quote at a few cents a page and thinks we're 10x more "
        "expensive. I need a simple worked example that shows the full cost once they add approvals and "
        "payments.",
        "kind": "comparison_guide",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "competitor": "Klueless",
        "priority": 3,
        "deal": True,
    },
    {
        "key": "rq-construction-deck",
        "status": "new",
        "title": "Construction-specific version of the first meeting deck",
        "description": "Contractors care about job costing, lien waivers and retention, and the generic deck "
        "doesn't mention any of them. Redfern is a great story but it's buried.",
        "kind": "deck",
        "stage": "interested",
        "persona": "economic-buyer",
        "priority": 2,
    },
    {
        "key": "rq-quickbooks",
        "status": "new",
        "title": "One-pager for the QuickBooks Online connector",
        "description": "Smaller prospects on QuickBooks Online keep asking how the sync works. We have NetSuite "
        "and Business Central pages but nothing for QBO.",
        "kind": "one_pager",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "priority": 2,
    },
    {
        "key": "rq-highbeam-renewal",
        "status": "new",
        "title": "Proof that Highbeam raises prices at renewal",
        "description": "Two prospects have told me Highbeam's renewal jumped once card volume fell short. Can we "
        "get a customer quote or anything we're allowed to share? Right now it sounds like gossip.",
        "kind": "battle_card",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "competitor": "Highbeam",
        "priority": 4,
        "requester": "rep",
        "deal": True,
    },
    {
        "key": "rq-ap-manager-video",
        "status": "new",
        "title": "Two-minute video of an approval on a phone",
        "description": "Approver adoption is the objection I hear most from AP managers. A short screen recording "
        "I can drop into an email would land better than screenshots.",
        "kind": "email_template",
        "stage": "interested",
        "persona": "end-user-champion",
        "priority": 1,
    },
    {
        "key": "rq-canada",
        "status": "new",
        "title": "Case study with a Canadian customer",
        "description": "I'm working three Canadian accounts and they all ask about GST/HST and paying in CAD. "
        "Any Canadian reference at all would help.",
        "kind": "case_study",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "priority": 2,
        "deal": True,
    },
    {
        "key": "rq-cfo-one-slide",
        "status": "new",
        "title": "One slide for a CFO who gives us five minutes",
        "description": "Sometimes I only get a few minutes with the CFO at the end of a meeting. I need one slide "
        "with the outcome numbers, not the full business case deck.",
        "kind": "deck",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "priority": 2,
    },
    # triaged
    {
        "key": "rq-seismix-tco",
        "status": "triaged",
        "title": "Three-year cost comparison against Seismix",
        "description": "Procurement at my biggest deal wants a TCO comparison. Seismix quoted a low licence but "
        "the services are huge. A template where I plug in their numbers would be ideal.",
        "kind": "comparison_guide",
        "stage": "evaluating",
        "persona": "procurement",
        "competitor": "Seismix",
        "priority": 4,
        "requester": "rep",
        "deal": True,
        "comments": [
            ("assignee", "Good timing, we have the Arden numbers approved now. Do you need it before the 20th?"),
            ("requester", "Yes please, procurement meets on the 21st."),
        ],
    },
    {
        "key": "rq-nonprofit",
        "status": "triaged",
        "title": "Anything for nonprofits and grant accounting",
        "description": "Getting more nonprofit inbound than expected. They ask about allocating shared costs to "
        "grants and I don't have a single piece of content to send.",
        "kind": "case_study",
        "stage": "interested",
        "persona": "operations-lead",
        "priority": 2,
    },
    {
        "key": "rq-duplicates-stats",
        "status": "triaged",
        "title": "Industry stats on duplicate payments",
        "description": "Buyers don't believe duplicates happen to them. A credible third-party stat plus our own "
        "numbers across customers would make the fraud conversation much easier.",
        "kind": "one_pager",
        "stage": "engaged",
        "persona": "economic-buyer",
        "priority": 2,
    },
    {
        "key": "rq-treasury-deck",
        "status": "triaged",
        "title": "Slides for a treasury team meeting",
        "description": "Treasury keeps getting pulled in late and slowing deals down. I want a few slides on "
        "payment release controls that I can present to them directly.",
        "kind": "deck",
        "stage": "evaluating",
        "persona": "security-officer",
        "priority": 3,
        "deal": True,
    },
    {
        "key": "rq-guidewell-bakeoff",
        "status": "triaged",
        "title": "How to run a capture bake-off against Guidewell",
        "description": "The Guidewell battle card says to run a bake-off but there's no guide for doing it. What "
        "invoices do we ask for, how do we score it, who runs it?",
        "kind": "battle_card",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "competitor": "Guidewell",
        "priority": 3,
        "comments": [("assignee", "Pulling in solutions engineering, they ran the last three bake-offs.")],
    },
    # accepted
    {
        "key": "rq-hospitality-email",
        "status": "accepted",
        "title": "Email sequence for hotel management companies",
        "description": "Pinecrest is our best hospitality story and I'm prospecting into a list of 40 hotel "
        "management companies. A three-email sequence built around it would help the whole team.",
        "kind": "email_template",
        "stage": "engaged",
        "persona": "operations-lead",
        "priority": 2,
    },
    {
        "key": "rq-showcase-migration",
        "status": "accepted",
        "title": "Migration checklist for Showcase Pro customers",
        "description": "Companies leaving Showcase Pro worry about moving vendor records and history. A checklist "
        "of what moves and how long it takes would get them past the fear.",
        "kind": "one_pager",
        "stage": "evaluating",
        "persona": "operations-lead",
        "competitor": "Showcase Pro",
        "priority": 3,
        "requester": "rep",
        "deal": True,
    },
    {
        "key": "rq-manufacturing-roi",
        "status": "accepted",
        "title": "ROI example for a mid-size manufacturer",
        "description": "The ROI one-pager has generic numbers. Manufacturers want to see PO matching rates and "
        "early-payment discounts for a company like them.",
        "kind": "one_pager",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "priority": 3,
    },
    {
        "key": "rq-sap-case",
        "status": "accepted",
        "title": "Second SAP reference",
        "description": "Kestrel is our only SAP story and two prospects already spoke to them. We need another "
        "SAP customer willing to be named.",
        "kind": "case_study",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "priority": 4,
        "deal": True,
    },
    {
        "key": "rq-objection-budget",
        "status": "accepted",
        "title": 'Objection entry: "no budget until next fiscal year"',
        "description": "Hearing this a lot this quarter. I'd like an approved answer with the cost-of-waiting "
        "angle and maybe a phased start option.",
        "kind": "objection",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "priority": 2,
    },
    {
        "key": "rq-portal-faq",
        "status": "accepted",
        "title": "Supplier-facing FAQ for the vendor portal",
        "description": "Customers ask us for something they can send their suppliers when they launch the portal. "
        "Would help close deals where the AP lead is worried about supplier pushback.",
        "kind": "one_pager",
        "stage": "customer",
        "persona": "operations-lead",
        "priority": 1,
    },
    # in progress
    {
        "key": "rq-highbeam-guide-update",
        "status": "in_progress",
        "title": "Update the Highbeam comparison for their multi-entity add-on",
        "description": "Highbeam launched multi-entity last quarter and prospects are quoting it back to me. "
        "Our comparison guide doesn't mention it.",
        "kind": "comparison_guide",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "competitor": "Highbeam",
        "priority": 4,
        "requester": "rep",
        "comments": [
            ("assignee", "Draft is with product marketing for a fact check."),
            ("requester", "Thanks. Any chance it's ready for my call on Thursday?"),
            ("assignee", "Aiming for Wednesday. I'll send you the draft in the meantime."),
        ],
    },
    {
        "key": "rq-logistics-deck",
        "status": "in_progress",
        "title": "Logistics industry slides",
        "description": "Freight and 3PL prospects want to hear about carrier invoices, accessorials and fuel "
        "surcharges. Halvorsen helps but I need two or three slides around it.",
        "kind": "deck",
        "stage": "interested",
        "persona": "operations-lead",
        "priority": 2,
        "deal": True,
    },
    {
        "key": "rq-audit-email",
        "status": "in_progress",
        "title": "Email for prospects going through an audit",
        "description": "Finance teams mid-audit are a great moment to talk about AP controls. A short email I can "
        "send when I see an audit mentioned on a call.",
        "kind": "email_template",
        "stage": "engaged",
        "persona": "economic-buyer",
        "priority": 1,
    },
    {
        "key": "rq-dental-case",
        "status": "in_progress",
        "title": "Video testimonial from Summit Dental",
        "description": "Summit's VP Finance is a fantastic speaker. A short video of her switch story would be "
        "gold for every DSO deal.",
        "kind": "case_study",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "competitor": "Showcase Pro",
        "priority": 3,
    },
    {
        "key": "rq-approval-objection",
        "status": "in_progress",
        "title": 'Objection entry for "we\'ll build approvals in the ERP"',
        "description": "IT teams keep saying they'll just build approval workflows in the ERP. I need a crisp "
        "response on maintenance cost and mobile approvals.",
        "kind": "objection",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "priority": 3,
        "requester": "rep",
        "deal": True,
    },
    {
        "key": "rq-pay-deck",
        "status": "in_progress",
        "title": "Ledgerline Pay slides for customer expansion calls",
        "description": "Customer success asked me to pitch Pay on QBRs. The QBR deck is in review, but I need "
        "three slides on Pay I can use now.",
        "kind": "deck",
        "stage": "customer",
        "persona": "economic-buyer",
        "priority": 2,
    },
    # delivered
    {
        "key": "rq-klueless-card",
        "status": "delivered",
        "title": "Battle card for Klueless",
        "description": "Klueless keeps showing up in deals led by IT. We don't have a battle card and I'm winging it.",
        "kind": "battle_card",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "competitor": "Klueless",
        "priority": 3,
        "delivered": "bc-klueless",
        "requester": "rep",
        "comments": [("requester", "This is great, used it the same day.")],
    },
    {
        "key": "rq-netsuite-page",
        "status": "delivered",
        "title": "NetSuite integration one-pager",
        "description": "Every NetSuite prospect asks the same questions about the SuiteApp and what syncs. "
        "A one-pager for IT would save a call per deal.",
        "kind": "one_pager",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "priority": 3,
        "delivered": "op-netsuite",
    },
    {
        "key": "rq-security-email",
        "status": "delivered",
        "title": "Cover email for security questionnaires",
        "description": "I never know what to attach with a completed questionnaire or how to offer the SOC 2 "
        "attestation properly.",
        "kind": "email_template",
        "stage": "evaluating",
        "persona": "security-officer",
        "priority": 2,
        "delivered": "em-security",
    },
    {
        "key": "rq-capture-test",
        "status": "delivered",
        "title": "Template for kicking off a capture test",
        "description": "We offer capture tests in almost every deal but everyone explains them differently. "
        "An email that sets expectations would help.",
        "kind": "email_template",
        "stage": "evaluating",
        "persona": "end-user-champion",
        "priority": 2,
        "delivered": "em-trial-kickoff",
    },
    {
        "key": "rq-checklist",
        "status": "delivered",
        "title": "Buyer's checklist to share early with the committee",
        "description": "If we can shape the evaluation criteria early we win more. A vendor-neutral checklist "
        "the champion can share internally would do it.",
        "kind": "comparison_guide",
        "stage": "interested",
        "persona": "economic-buyer",
        "priority": 3,
        "delivered": "cg-buyers-guide",
        "requester": "rep",
    },
    {
        "key": "rq-security-objection",
        "status": "delivered",
        "title": "Approved answer on bank detail security",
        "description": "Security officers ask what stops someone from changing a supplier's bank details. "
        "I want the approved wording, not my own.",
        "kind": "objection",
        "stage": "evaluating",
        "persona": "security-officer",
        "priority": 3,
        "delivered": "obj-security",
    },
    {
        "key": "rq-data-exit",
        "status": "delivered",
        "title": "Answer for the data lock-in question",
        "description": "Legal asked what happens to their data if they leave. I said 'you can export it' but "
        "they want specifics.",
        "kind": "objection",
        "stage": "evaluating",
        "persona": "procurement",
        "priority": 2,
        "delivered": "obj-data-exit",
    },
    # declined
    {
        "key": "rq-pricing-sheet",
        "status": "declined",
        "title": "Public price list I can send to prospects",
        "description": "Prospects want pricing before the second call. A simple price sheet would speed things up.",
        "kind": "one_pager",
        "stage": "interested",
        "persona": "procurement",
        "priority": 2,
        "decline_reason": "Pricing is quoted per deal by the deal desk; we won't publish a price list. Use the "
        "ROI worksheet and loop in the deal desk for a budgetary quote.",
    },
    {
        "key": "rq-competitor-logos",
        "status": "declined",
        "title": "List of customers who left Highbeam",
        "description": "Would be powerful to show a slide of logos that switched from Highbeam to us.",
        "kind": "deck",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "competitor": "Highbeam",
        "priority": 2,
        "decline_reason": "Most switchers haven't approved being named against a competitor. We'll add named "
        "switch stories one by one as customers agree.",
    },
    {
        "key": "rq-french",
        "status": "declined",
        "title": "French translation of the product overview",
        "description": "One Quebec prospect asked for the overview in French.",
        "kind": "one_pager",
        "stage": "interested",
        "persona": "economic-buyer",
        "priority": 1,
        "decline_reason": "Not enough French-language demand this half. Revisit if we enter Quebec properly.",
    },
    {
        "key": "rq-roadmap",
        "status": "declined",
        "title": "Roadmap slides for prospects",
        "description": "Bigger prospects ask what's coming in the next year. Can we have roadmap slides?",
        "kind": "deck",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "priority": 2,
        "decline_reason": "Roadmap is shared by product management under NDA only. Request a roadmap session "
        "through your manager.",
    },
    # duplicates
    {
        "key": "rq-dup-security",
        "status": "duplicate",
        "duplicate_of": "rq-soc2-summary",
        "title": "Pre-written security answers for questionnaires",
        "description": "I spend ages on security questionnaires. Could we have standard answers somewhere?",
        "kind": "one_pager",
        "stage": "evaluating",
        "persona": "security-officer",
        "priority": 2,
    },
    {
        "key": "rq-dup-highbeam",
        "status": "duplicate",
        "duplicate_of": "rq-highbeam-guide-update",
        "title": "Highbeam now does multi-entity?",
        "description": "Prospect says Highbeam handles multiple entities now. Is our comparison still right?",
        "kind": "comparison_guide",
        "stage": "evaluating",
        "persona": "economic-buyer",
        "competitor": "Highbeam",
        "priority": 3,
    },
    {
        "key": "rq-dup-klueless",
        "status": "duplicate",
        "duplicate_of": "rq-klueless-card",
        "title": "Need help against Klueless",
        "description": "Lost a deal to Klueless on price last month and have another one in the same spot.",
        "kind": "battle_card",
        "stage": "evaluating",
        "persona": "technical-evaluator",
        "competitor": "Klueless",
        "priority": 3,
    },
    {
        "key": "rq-dup-seismix",
        "status": "duplicate",
        "duplicate_of": "rq-seismix-tco",
        "title": "Seismix total cost of ownership",
        "description": "Buyer's procurement team wants to compare three-year costs with Seismix.",
        "kind": "comparison_guide",
        "stage": "evaluating",
        "persona": "procurement",
        "competitor": "Seismix",
        "priority": 3,
    },
]

# A follow-up comment for requests in these statuses whose spec has none.
FOLLOW_UP_COMMENTS = {
    "accepted": ("assignee", "Accepted. It's on the content calendar; I'll check the angle with you before drafting."),
    "in_progress": ("assignee", "Working on it now. I'll share a draft for your feedback before it goes to review."),
    "delivered": ("requester", "Thanks! Already used it in a deal this week."),
    "declined": ("requester", "Understood, thanks for explaining."),
}

# --- Searches ------------------------------------------------------------------------------------
# (query, weight); queries meant to find nothing are listed apart so the zero-result report has them.

SEARCH_QUERIES = [
    ("highbeam", 10),
    ("seismix", 8),
    ("netsuite", 8),
    ("month-end close", 6),
    ("security", 7),
    ("roi", 6),
    ("multi-entity", 5),
    ("approval", 6),
    ("manufacturing", 5),
    ("healthcare", 5),
    ("pricing", 5),
    ("duplicate payments", 4),
    ("vendor portal", 4),
    ("battle card", 4),
    ("implementation", 4),
    ("sap", 3),
    ("klueless", 3),
    ("guidewell", 3),
    ("showcase pro", 3),
    ("rebates", 3),
    ("business case", 3),
    ("three-way matching", 3),
    ("follow-up", 2),
    ("audit", 3),
    ("logistics", 2),
    ("construction", 2),
]
ZERO_RESULT_QUERIES = [
    ("soc 2 report", 6),
    ("pricing vs seismix", 5),
    ("coupa", 4),
    ("canada gst", 3),
    ("french", 2),
    ("quickbooks desktop", 3),
    ("roi calculator spreadsheet", 3),
    ("w-9 collection", 2),
    ("gdpr dpa template", 2),
    ("price list", 3),
    ("xero", 2),
    ("1099 filing", 2),
]
SEARCH_FILTERS = [
    {"kind": "case_study"},
    {"kind": "battle_card"},
    {"stage": "evaluating"},
    {"persona": "economic-buyer"},
    {"competitor": "highbeam"},
    {"kind": "objection"},
]
