"""The demo journey: the Royal National Orthopaedic Hospital's children's outpatients wayfinding project
walks every step (what matters, themes, co-design, the chosen event, driver diagram, painted bones, two ramps
of PDSA cycles, comments); the other projects stop at earlier phases. It runs once: a second run finds the
RNOH themes and adds nothing. The integrated-care examples (`seed_integrated_care`) add what the partner
organisations did: their team members, sessions, change ideas and PDSA cycles attributed to them; South
Tyneside's two ramps (`seed_equity_cycles`) are the story behind its uptake measure by deprivation quintile.
Every row is audited as the seed job, so the activity timeline has a history."""

import random
from datetime import date, timedelta

from alwaysevents.audit import audit
from alwaysevents.tenancy import all_organisations
from coproduction import models as co

JOB = "seed_demo"

THEMES = {
    "Finding the way": [
        "Knowing how to get from the car park to the clinic without asking three people",
        "The signs all look the same and my son can't read them yet",
        "We got lost last time and were late, which made everyone stressed",
        "Something fun to follow so my daughter wants to walk there",
        "Clear directions in the appointment letter",
        "Signs that children can see, not just adults",
        "Not having to go back to the main reception to ask again",
        "A map we can look at before we come",
        "Being met at the entrance when it is your first visit",
        "The corridors are long and confusing with a wheelchair",
        "Knowing which lift goes to outpatients",
        "Colours or pictures to follow instead of words",
    ],
    "Knowing what happens next": [
        "Being told how long the wait will be",
        "Knowing who we will see and why",
        "Someone explaining what the X-ray will be like before it happens",
        "Knowing what to do after the appointment",
        "A call if the clinic is running late",
        "Being told when the next appointment will be before we leave",
        "Knowing if we need to go to another department",
        "Understanding the plan for my child's treatment",
        "A board that says which doctor is running late",
        "Being kept informed while we wait",
        "Written information to take home",
        "Knowing who to ring if we have questions",
    ],
    "Being listened to": [
        "Doctors talking to my child, not only to me",
        "Having time to ask questions without feeling rushed",
        "Being asked what matters to us, like today",
        "Staff remembering what we said last time",
        "My child being able to say when something hurts",
        "Being believed when I say my child is in pain",
        "Being involved in decisions about treatment",
        "Not having to repeat the whole story every visit",
        "Someone who listens when we are worried",
        "My teenager being seen on their own if they want",
        "Being asked how my child likes to be spoken to",
        "Feeling that our opinion counts",
    ],
    "A welcoming place for children": [
        "Toys and books in the waiting area",
        "Somewhere quiet for children who find noise hard",
        "Staff who smile and say hello to my child",
        "A waiting room that doesn't feel like a hospital",
        "Things for older children to do, not just toddlers",
        "Being able to get a drink and a snack",
        "Clean toilets with baby changing nearby",
        "Pictures on the walls that children like",
        "A play specialist to help before procedures",
        "Seats where parents can sit with their child",
        "Wi-fi that works so teenagers can wait",
        "A space to feed a baby in private",
    ],
    "Getting here": [
        "Parking that is easy to find and pay for",
        "Drop-off close to the entrance for children in casts",
        "Wheelchairs available at the entrance",
        "Information about buses from the station",
        "Appointment times that work with school",
        "Enough time to get from the car park to the clinic",
        "Knowing about hospital transport if we need it",
        "Help with travel costs",
        "A shorter walk for children on crutches",
        "Someone to help carry things from the car",
        "Being able to bring a sibling",
        "Directions from the main road",
    ],
}

CHOSEN_EVENT = "I will always be able to find my way to the children's outpatients department"


def seed_journeys(projects: dict, users: dict) -> None:
    """`projects` and `users` are the demo world's, keyed as in demo.seed."""
    with all_organisations(reason="the demo seed builds every organisation's co-production records"):
        rnoh = projects["rnoh"]
        if co.Theme.objects.filter(project=rnoh).exists():
            return
        _rnoh_journey(rnoh, users)
        _earlier_phases(projects)


def _create(model, project, **fields):
    row = model.objects.create(organisation=project.organisation, project=project, **fields)
    audit(system_job=JOB, action=f"{model._meta.model_name}.create", obj=row, changed=list(fields))
    return row


def _responses(project, themes: dict[str, list[str]], start: date, rng: random.Random, per_theme: int):
    created = {}
    for theme_name, texts in themes.items():
        theme = _create(co.Theme, project, name=theme_name)
        created[theme_name] = theme
        for text in texts[:per_theme]:
            response = _create(
                co.Response,
                project,
                method=rng.choice(["conversation", "survey", "workshop", "focus_group", "public_form"]),
                collected_on=start + timedelta(days=rng.randrange(0, 28)),
                setting="Children's outpatients waiting area",
                respondent=rng.choice(["patient", "carer", "family", "carer", "patient", "not_said"]),
                text=text,
            )
            co.ResponseTheme.objects.create(
                organisation=project.organisation, project=project, response=response, theme=theme
            )
    return created


def _rnoh_journey(project, users) -> None:
    rng = random.Random(2026)  # the same demo every time
    themes = _responses(project, THEMES, date(2026, 1, 19), rng, per_theme=12)
    co.Response.objects.filter(project=project, text=THEMES["Getting here"][0]).update(
        anything_else="Call me on 07700 900123 if you want to talk about parking",
        identifier_flags=["phone_number"],
    )
    link = _create(co.CollectionLink, project, setting="Children's outpatients waiting area")

    lead = _create(co.TeamMember, project, role="lead", name="Lucy Evans", user=users["lead@example.org"])
    partner = _create(
        co.TeamMember,
        project,
        role="carer",
        name="Pat Quinn",
        consent_to_be_named=True,
        user=users["partner@example.org"],
    )
    young_person = _create(co.TeamMember, project, role="patient")
    parent = _create(co.TeamMember, project, role="carer")
    nurse = _create(co.TeamMember, project, role="staff", name="Outpatients sister")
    play = _create(co.TeamMember, project, role="staff", name="Play specialist")
    _create(co.TeamMember, project, role="executive_sponsor", name="Director of Nursing")

    sessions = []
    for held_on, title, attendees, decisions in [
        (
            date(2026, 2, 23),
            "Making sense of what matters",
            [lead, partner, young_person, parent, nurse],
            "Wayfinding matters most to families; three candidate events drafted.",
        ),
        (
            date(2026, 3, 9),
            "Screening the candidates",
            [lead, partner, parent, nurse, play],
            "Finding the way meets all four criteria; chosen as our Always Event.",
        ),
        (
            date(2026, 3, 30),
            "Designing the trail",
            [lead, partner, young_person, play],
            "Children suggested painted bones to follow from the car park.",
        ),
    ]:
        session = _create(co.CoDesignSession, project, held_on=held_on, title=title, decisions=decisions)
        for member in attendees:
            co.SessionAttendance.objects.create(
                organisation=project.organisation, project=project, session=session, member=member
            )
        sessions.append(session)

    chosen = _create(
        co.CandidateEvent,
        project,
        title=CHOSEN_EVENT,
        shortlisted=True,
        chosen=True,
        session=sessions[0],
        description="Families told us getting lost on the way to clinic spoils the whole visit.",
    )
    waiting = _create(
        co.CandidateEvent,
        project,
        title="I will always know how long I will wait",
        shortlisted=True,
        session=sessions[0],
    )
    play_candidate = _create(
        co.CandidateEvent,
        project,
        title="I will always have something to do while I wait",
        session=sessions[0],
    )
    for candidate, theme_name in [
        (chosen, "Finding the way"),
        (waiting, "Knowing what happens next"),
        (play_candidate, "A welcoming place for children"),
    ]:
        co.CandidateTheme.objects.create(
            organisation=project.organisation, project=project, candidate=candidate, theme=themes[theme_name]
        )
    rationales = {
        "important": (
            "met",
            "The most common theme: 12 of 60 families raised it, and again at the workshop.",
        ),
        "evidence_based": ("met", "Wayfinding reduces anxiety and late arrival (NHS estates guidance)."),
        "measurable": ("met", "Ask each family on arrival: did you find your way without asking?"),
        "affordable": ("met", "Floor paint and volunteer time; no building work."),
    }
    for criterion, (verdict, rationale) in rationales.items():
        _create(
            co.CriterionAssessment,
            project,
            candidate=chosen,
            criterion=criterion,
            verdict=verdict,
            rationale=rationale,
        )
    for criterion in rationales:
        _create(
            co.CriterionAssessment,
            project,
            candidate=waiting,
            criterion=criterion,
            verdict="unsure" if criterion == "affordable" else "met",
        )

    statement = _create(
        co.Statement,
        project,
        candidate=chosen,
        vision=CHOSEN_EVENT,
        aim_what="Children and families find their way to children's outpatients without having to ask",
        aim_for_whom="every child and family attending children's outpatients",
        aim_target_percent=90,
        aim_by_when=date(2026, 12, 31),
    )

    trail = _create(co.Driver, project, text="A route children can follow from the car park", order=1)
    helpers = _create(co.Driver, project, text="People ready to help on the way", order=2)
    follow = _create(co.Driver, project, parent=trail, text="A visual trail that is fun to follow", order=1)
    height = _create(co.Driver, project, parent=trail, text="Signs at a child's eye level", order=2)
    welcome = _create(co.Driver, project, parent=helpers, text="A welcome at the main entrance", order=1)

    bones = _create(
        co.ChangeIdea,
        project,
        title="Painted bones on the floor from the car park",
        origin="patient",
        status="adopted",
        description="A trail of painted bones from the car park to the clinic door.",
    )
    signs = _create(
        co.ChangeIdea, project, title="Signs at child height", origin="co_designed", status="adopted"
    )
    greeter = _create(co.ChangeIdea, project, title="Volunteer greeter on clinic mornings", origin="carer")
    for idea, driver in [(bones, follow), (signs, height), (greeter, welcome)]:
        co.ChangeIdeaDriver.objects.create(
            organisation=project.organisation, project=project, change_idea=idea, driver=driver
        )
    co.ChangeIdeaSession.objects.create(
        organisation=project.organisation, project=project, change_idea=bones, session=sessions[2]
    )

    cycles = []
    for idea, title, plans in [
        (
            bones,
            "Painted bones trail",
            [
                (
                    date(2026, 4, 13),
                    "Test the trail with one family on one clinic morning (1:1:1)",
                    "adapt",
                    "The bones were too far apart at the first corner.",
                ),
                (
                    date(2026, 4, 27),
                    "Test the closer-spaced trail for a week of morning clinics",
                    "adapt",
                    "Families followed it; afternoon clinics use a different entrance.",
                ),
                (
                    date(2026, 5, 18),
                    "Extend the trail to both entrances for all clinics",
                    "adopt",
                    "Nine in ten families found their way without asking.",
                ),
            ],
        ),
        (
            signs,
            "Child-height signs",
            [
                (
                    date(2026, 6, 15),
                    "Put three child-height signs on the main corridor for a week",
                    "adapt",
                    "Children pointed them out; one sign was hidden by a door.",
                ),
                (
                    date(2026, 7, 6),
                    "Full set of child-height signs on every turn",
                    "adopt",
                    "Families stopped asking at the main reception.",
                ),
            ],
        ),
    ]:
        ramp = _create(co.Ramp, project, change_idea=idea, title=title)
        for number, (starts_on, objective, decision, learning) in enumerate(plans, start=1):
            cycle = _create(
                co.PdsaCycle,
                project,
                ramp=ramp,
                number=number,
                status="complete",
                objective=objective,
                plan_who="Outpatients sister and the play specialist",
                plan_what=objective,
                plan_where="Car park to children's outpatients",
                plan_when="Clinic mornings",
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=6 if number > 1 else 0),
                data_plan="Ask each family on arrival whether they found the way without asking.",
                do_notes="Ran as planned; observations noted by the play specialist.",
                study_notes=learning,
                act_decision=decision,
                next_steps="Scale up as agreed at the team huddle."
                if decision == "adapt"
                else "Make it routine.",
            )
            _create(
                co.PdsaQuestion,
                project,
                cycle=cycle,
                question="Will families follow it without asking?",
                prediction="Most will, if it is easy to see from the car park.",
                result=learning,
            )
            cycles.append(cycle)

    buddy, coach, lead_user = (
        users["buddy@example.org"],
        users["coach@example.org"],
        users["lead@example.org"],
    )
    thread = _create(
        co.Comment,
        project,
        target="candidate",
        target_id=chosen.pk,
        author=buddy,
        body="A lovely, clear event. @lead how will you know families found the way without asking?",
    )
    co.Notification.objects.create(
        organisation=project.organisation,
        project=project,
        recipient=lead_user,
        comment=thread,
        reason="mention",
    )
    _create(
        co.Comment,
        project,
        target="candidate",
        target_id=chosen.pk,
        author=lead_user,
        thread=thread,
        body="We will ask every family at the clinic desk: did you find your way without asking?",
    )
    coach_comment = _create(
        co.Comment,
        project,
        target="pdsa_cycle",
        target_id=cycles[0].pk,
        author=coach,
        body="Great 1:1:1 test. @lead @partner keep the ramp small until the spacing works.",
    )
    for recipient in (lead_user, users["partner@example.org"]):
        co.Notification.objects.create(
            organisation=project.organisation,
            project=project,
            recipient=recipient,
            comment=coach_comment,
            reason="mention",
        )
    _create(
        co.Comment,
        project,
        target="statement",
        target_id=statement.pk,
        author=coach,
        body="The aim is specific and measurable. Well done.",
    )
    _create(
        co.Comment,
        project,
        target="driver_diagram",
        target_id=project.pk,
        author=buddy,
        body="Could the greeter idea link to the trail too?",
    )
    del link


def _earlier_phases(projects) -> None:
    rng = random.Random(7)
    somerset = projects["somerset"]
    _responses(
        somerset,
        {
            "Knowing the plan for going home": [
                "Knowing the day I can go home",
                "Being told what support I'll have",
                "My carer being told the plan too",
                "Medication explained before I leave",
            ],
            "Joined-up care": [
                "Not repeating my story to every service",
                "The community team knowing I'm home",
            ],
        },
        date(2026, 3, 2),
        rng,
        per_theme=4,
    )
    _create(co.TeamMember, somerset, role="patient")
    _create(co.TeamMember, somerset, role="staff", name="Discharge coordinator")
    _create(
        co.CandidateEvent, somerset, title="I will always feel supported moving on in care", shortlisted=True
    )
    for key in ("manchester", "derbyshire"):
        _responses(
            projects[key],
            {"What matters": ["Being asked what matters to me", "Knowing who is coming"]},
            date(2026, 7, 6),
            rng,
            per_theme=2,
        )


def seed_integrated_care(projects: dict, partners: dict, users: dict) -> None:
    """The seed's integrated-care examples, worked by their partners: Somerset's discharge team with people
    with lived experience and a session of all four partners; Greater Manchester's joint reviews, whose cycles
    belong to the council's social workers and the care agency together; Derbyshire's Community Frailty Model
    tested by each Place Alliance; South Tyneside's team with its council and a peer support charity. Runs
    once: a second run finds Somerset's partner session and adds nothing. `partners` are keyed as in
    demo.seed (project key/organisation key)."""
    with all_organisations(reason="the demo seed builds the partners' co-production records"):
        if co.SessionPartner.objects.filter(project=projects["somerset"]).exists():
            return
        _somerset_partners(projects["somerset"], partners)
        _manchester_joint_reviews(projects["manchester"], partners, users["partner-org@example.org"])
        _derbyshire_place_alliances(projects["derbyshire"], partners)
        _south_tyneside(projects["south_tyneside"], users["tyneside@example.org"])
        _create(co.TeamMember, projects["chesterfield"], role="lead", name="Chesterfield frailty lead")
        _create(co.TeamMember, projects["chesterfield"], role="patient")


def _partners_of(partners: dict, project_key: str) -> list:
    return [partner for key, partner in partners.items() if key.startswith(f"{project_key}/")]


def _link(model, record, partner_list, **field) -> None:
    model.objects.bulk_create(
        model(organisation=record.organisation, project=record.project, partner=partner, **field)
        for partner in partner_list
    )


def _session(project, held_on, title, attendees, decisions, partner_list):
    session = _create(co.CoDesignSession, project, held_on=held_on, title=title, decisions=decisions)
    for member in attendees:
        co.SessionAttendance.objects.create(
            organisation=project.organisation, project=project, session=session, member=member
        )
    _link(co.SessionPartner, session, partner_list, session=session)
    return session


def _somerset_partners(project, partners) -> None:
    everyone = _partners_of(partners, "somerset")
    carer = _create(co.TeamMember, project, role="carer", name="Margaret Hill", consent_to_be_named=True)
    patient = _create(co.TeamMember, project, role="patient")
    staff = [
        _create(co.TeamMember, project, role="staff", name=name)
        for name in (
            "Ward discharge lead, Musgrove Park",
            "Community nursing sister",
            "Mental health liaison nurse",
            "Practice nurse, Quantock Vale Surgery",
        )
    ]
    session = _session(
        project,
        date(2026, 4, 20),
        "Walking the journey home across four services",
        [carer, patient, *staff],
        "Four services each told the patient a different plan; one plan, written with them, goes with them.",
        everyone,
    )
    idea = _create(
        co.ChangeIdea,
        project,
        title="One plan for going home, shared with the GP and the community team on the day",
        origin="carer",
        description="Margaret's idea: the plan I take home is the one every service reads.",
    )
    co.ChangeIdeaSession.objects.create(
        organisation=project.organisation, project=project, change_idea=idea, session=session
    )
    _link(co.ChangeIdeaPartner, idea, everyone, change_idea=idea)


def _manchester_joint_reviews(project, partners, agency_user) -> None:
    council, agency = partners["manchester/manchester_council"], partners["manchester/1-101234567"]
    lead = _create(co.TeamMember, project, role="lead", name="Social work team manager")
    agency_staff = _create(co.TeamMember, project, role="staff", name="Dani Okafor", user=agency_user)
    person = _create(co.TeamMember, project, role="service_user")
    carer = _create(co.TeamMember, project, role="carer")
    session = _session(
        project,
        date(2026, 7, 13),
        "Why two reviews on the same day?",
        [lead, agency_staff, person, carer],
        "The social worker and the agency held separate reviews, often the same day: hold one, together.",
        [council, agency],
    )
    event = _create(
        co.CandidateEvent,
        project,
        title="I will always have one review of my care at home, with everyone who supports me",
        shortlisted=True,
        chosen=True,
        session=session,
    )
    _create(
        co.Statement,
        project,
        candidate=event,
        vision=event.title,
        aim_what="Reviews of care at home held jointly by the social worker and the care agency",
        aim_for_whom="everyone receiving domiciliary care from the agency in Manchester",
        aim_target_percent=80,
        aim_by_when=date(2027, 3, 31),
    )
    primary = _create(co.Driver, project, text="One conversation about my care", order=1)
    secondary = _create(
        co.Driver, project, parent=primary, text="Social worker and agency review together", order=1
    )
    idea = _create(
        co.ChangeIdea,
        project,
        title="Joint review meetings",
        origin="co_designed",
        status="testing",
        description="The social worker and the agency's care coordinator review the care plan together.",
    )
    co.ChangeIdeaDriver.objects.create(
        organisation=project.organisation, project=project, change_idea=idea, driver=secondary
    )
    _link(co.ChangeIdeaPartner, idea, [council, agency], change_idea=idea)
    ramp = _create(co.Ramp, project, change_idea=idea, title="Joint reviews")
    for number, (starts_on, objective, status, decision, learning) in enumerate(
        [
            (
                date(2026, 8, 3),
                "One joint review, one person, one social worker and the agency's coordinator (1:1:1)",
                "complete",
                "adapt",
                "One meeting instead of two; the person said it was the first time everyone agreed.",
            ),
            (
                date(2026, 8, 17),
                "Joint reviews for every review due in one social work team for two weeks",
                "complete",
                "increase_scale",
                "Seven of nine reviews held jointly; two clashed with the agency's rota.",
            ),
            (
                date(2026, 9, 7),
                "Joint reviews across the city, booked into the agency's rota a week ahead",
                "running",
                "",
                "",
            ),
        ],
        start=1,
    ):
        cycle = _create(
            co.PdsaCycle,
            project,
            ramp=ramp,
            number=number,
            status=status,
            objective=objective,
            plan_who="A social worker and the agency's care coordinator, with the person and their carer",
            plan_what=objective,
            plan_where="The person's home",
            plan_when="Reviews due in the period",
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=13),
            data_plan="Count reviews held jointly out of reviews due, for each site every week.",
            do_notes="Ran as planned." if status == "complete" else "",
            study_notes=learning,
            act_decision=decision,
        )
        _link(co.PdsaCyclePartner, cycle, [council, agency], cycle=cycle)


def _derbyshire_place_alliances(project, partners) -> None:
    _create(co.TeamMember, project, role="lead", name="Community frailty programme lead")
    _create(co.TeamMember, project, role="patient")
    _create(co.TeamMember, project, role="carer")
    primary = _create(co.Driver, project, text="I know what happens next and who to call", order=1)
    secondary = _create(co.Driver, project, parent=primary, text="A frailty plan written with me", order=1)
    idea = _create(
        co.ChangeIdea,
        project,
        title="A care and support plan written with the person at their first frailty review",
        origin="co_designed",
        status="testing",
    )
    co.ChangeIdeaDriver.objects.create(
        organisation=project.organisation, project=project, change_idea=idea, driver=secondary
    )
    place_partners = _partners_of(partners, "derbyshire")
    _link(co.ChangeIdeaPartner, idea, place_partners, change_idea=idea)
    # Each Place Alliance tests the Community Frailty Model's change idea in its own ramp.
    for partner in place_partners:
        ramp = _create(co.Ramp, project, change_idea=idea, title=f"Frailty plans in {partner.site_name}")
        cycle = _create(
            co.PdsaCycle,
            project,
            ramp=ramp,
            number=1,
            status="running",
            objective=f"Write the plan with five people at their first frailty review ({partner.site_name})",
            plan_who="The primary care network's frailty practitioner",
            plan_where=partner.site_name,
            starts_on=date(2026, 9, 14),
            ends_on=date(2026, 9, 27),
        )
        _link(co.PdsaCyclePartner, cycle, [partner], cycle=cycle)


def _south_tyneside(project, lead_user) -> None:
    _create(co.TeamMember, project, role="lead", name="Sam Charlton", user=lead_user)
    _create(co.TeamMember, project, role="patient", name="Alan Reed", consent_to_be_named=True)
    _create(co.TeamMember, project, role="patient")
    _create(co.TeamMember, project, role="carer")
    _create(co.TeamMember, project, role="staff", name="Breathe Easy group coordinator")
    _create(co.TeamMember, project, role="staff", name="Adult social care practitioner")


# South Tyneside's second ramp starts here; its uptake measure by deprivation quintile (demo.measurement)
# narrows its gap from then on.
SOUTH_TYNESIDE_SECOND_RAMP = date(2026, 5, 11)


def seed_equity_cycles(projects: dict, partners: dict) -> None:
    """South Tyneside's two ramps of PDSA cycles on taking up education and rehabilitation: a plain-English
    invitation for everyone (from March 2026), which lifted uptake in every group and left the gap between
    the most and least deprived as wide; then a call from a peer supporter and a class close to home for
    people in the most deprived neighbourhoods (from May 2026), scaled up with the council and Breathe Easy.
    Runs once: a second run finds the project's ramps and adds nothing. `partners` are keyed as in
    demo.seed (project key/organisation key)."""
    with all_organisations(reason="the demo seed builds South Tyneside's PDSA cycles"):
        project = projects["south_tyneside"]
        if co.Ramp.objects.filter(project=project).exists():
            return
        both = _partners_of(partners, "south_tyneside")
        primary = _create(
            co.Driver, project, text="People are offered rehabilitation in a way that works for them", order=1
        )
        invitation_driver = _create(
            co.Driver, project, parent=primary, text="An invitation people understand", order=1
        )
        reach_driver = _create(
            co.Driver, project, parent=primary, text="Support close to home, from people like me", order=2
        )
        invitation = _create(
            co.ChangeIdea,
            project,
            title="A plain-English invitation with a named person to ring",
            origin="patient",
            status="adopted",
            description="Alan's idea: say what the course is, who runs it, and who to ring with questions.",
        )
        peer = _create(
            co.ChangeIdea,
            project,
            title="A call from a peer supporter and a class close to home",
            origin="co_designed",
            status="adopted",
            description="For people in the most deprived neighbourhoods, who were least likely to take up "
            "a place at the hospital site.",
        )
        for idea, driver in ((invitation, invitation_driver), (peer, reach_driver)):
            co.ChangeIdeaDriver.objects.create(
                organisation=project.organisation, project=project, change_idea=idea, driver=driver
            )
        _link(co.ChangeIdeaPartner, peer, both, change_idea=peer)
        for idea, title, plans in (
            (
                invitation,
                "Plain-English invitation",
                [
                    (
                        date(2026, 3, 2),
                        "Send the new invitation to the next ten people referred",
                        "adapt",
                        "Three rang the named person; two asked what 'pulmonary rehabilitation' means.",
                    ),
                    (
                        date(2026, 3, 23),
                        "The invitation, reworded, with a photograph of a class, to every referral for two "
                        "weeks",
                        "adapt",
                        "More people booked, most of them from the least deprived areas.",
                    ),
                    (
                        date(2026, 4, 13),
                        "The invitation for every referral",
                        "adopt",
                        "Uptake rose a little in every group; the gap between the most and least deprived "
                        "stayed as wide.",
                    ),
                ],
            ),
            (
                peer,
                "Peer calls and classes close to home",
                [
                    (
                        SOUTH_TYNESIDE_SECOND_RAMP,
                        "Alan rings five people from the most deprived quintile who have not booked",
                        "adapt",
                        "Four of five booked; two said the hospital site was too far by bus.",
                    ),
                    (
                        date(2026, 6, 1),
                        "Peer calls for everyone in quintiles 1 and 2 who has not booked, and a class at a "
                        "community centre in Jarrow",
                        "increase_scale",
                        "Uptake in the most deprived quintile rose week on week; the Jarrow class filled.",
                    ),
                    (
                        date(2026, 7, 6),
                        "Peer calls and community classes across the borough, with Breathe Easy and adult "
                        "social care",
                        "adopt",
                        "The gap between the most and least deprived quintiles has narrowed and stayed "
                        "narrower.",
                    ),
                ],
            ),
        ):
            ramp = _create(co.Ramp, project, change_idea=idea, title=title)
            for number, (starts_on, objective, decision, learning) in enumerate(plans, start=1):
                cycle = _create(
                    co.PdsaCycle,
                    project,
                    ramp=ramp,
                    number=number,
                    status="complete",
                    objective=objective,
                    plan_who="Sam Charlton, the pulmonary rehabilitation lead, with Alan Reed",
                    plan_what=objective,
                    plan_where="South Tyneside",
                    plan_when="The weeks after each referral",
                    starts_on=starts_on,
                    ends_on=starts_on + timedelta(days=13),
                    data_plan="Count who took up a place out of who was referred, by deprivation quintile "
                    "of their postcode, every week.",
                    do_notes="Ran as planned.",
                    study_notes=learning,
                    act_decision=decision,
                )
                if starts_on >= min(partner.joined_on for partner in both):
                    _link(co.PdsaCyclePartner, cycle, both, cycle=cycle)
