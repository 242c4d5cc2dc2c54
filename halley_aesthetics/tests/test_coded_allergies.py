"""Allergies and medicines as coded entries of the clinic's lists, checked against
what a session will use: a salmon allergy stops Rejuran, warfarin raises the
bruising warning, a lidocaine allergy stops the numbing cream until the
practitioner replaces it (with the reason), and what matches no code is shown
as typed."""

import importlib.util
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import NOW, HalleyCommon

MIGRATION = Path(__file__).parents[1] / "migrations" / "18.0.1.5.0" / "post-allergy.py"


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestCodedAllergies(HalleyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.fish = ref("halley_aesthetics.allergen_salmon_dna")
        cls.lidocaine = ref("halley_aesthetics.allergen_lidocaine")
        cls.warfarin = ref("halley_aesthetics.medicine_warfarin")
        cls.unspecified = ref("halley_aesthetics.medicine_anticoagulant_unspecified")
        # What the products contain: the vial is salmon DNA, the cream lidocaine; the
        # cooling gel (in grams, as the cream) contains neither.
        cls.rejuran.halley_allergen_ids = cls.fish
        cls.numbing.halley_allergen_ids = cls.lidocaine
        Question = cls.env["halley.screening.question"]
        cls.q_anticoagulant = Question.create(
            {"name": "T Anticoagulants?", "severity": "warning", "chart_key": "anticoagulant", "sequence": 1}
        )
        cls.q_salmon = Question.create(
            {"name": "T Fish or salmon allergy?", "severity": "hard_stop", "chart_key": "salmon_allergy",
             "sequence": 2, "protocol_ids": [Command.set(cls.protocol_rejuran.ids)]}
        )
        Chart = cls.env["halley.patient.chart"].with_user(cls.practitioner)
        # Typed as she told it; nobody ticks a flag.
        cls.chart = Chart.create(
            {"patient_id": cls.patient.id, "allergies": "Salmon", "medication": "Warfarin 5 mg daily"}
        )
        cls.chart_2 = Chart.create({"patient_id": cls.patient_2.id, "allergies": "Lidocaine (hives)"})

    def _booked(self, protocol, patient=None, **vals):
        session = self._session(protocol=protocol, patient=patient, **vals)
        session.with_user(self.practitioner).action_confirm()
        return session

    def _answers(self, session):
        return {line.question_id: (line.chart_answer, line.answer) for line in session.screening_ids}

    # ------------------------------------------------------------------ coding the chart

    def test_typed_salmon_and_warfarin_are_coded(self):
        chart = self.chart
        self.assertEqual(chart.allergen_ids, self.fish)
        self.assertEqual(chart.medicine_ids, self.warfarin)
        self.assertEqual((chart.salmon_allergy, chart.anticoagulant), (True, True), "flags from the codes")
        self.assertFalse(chart.uncoded_summary)
        self.assertEqual(self.patient.with_user(self.practitioner).halley_medicine_ids, self.warfarin)

    def test_words_match_whole_and_in_any_case(self):
        Chart = self.env["halley.patient.chart"]
        patient = self.env["res.partner"].create({"name": "T Patient Wei", "is_patient": True})
        chart = Chart.create(
            {"patient_id": patient.id, "allergies": "SHELLFISH (swelling); none",
             "medication": "eliquis 5 mg, COUMADIN\nginseng tea"}
        )
        self.assertFalse(chart.allergen_ids, "shellfish is not the word fish")
        self.assertEqual(
            set(chart.medicine_ids.mapped("name")), {"Apixaban", "Warfarin", "Ginseng"}, "brand names are synonyms"
        )
        self.assertEqual(chart.uncoded_allergies, "SHELLFISH (swelling)", "'none' needs no code")
        self.assertFalse(chart.uncoded_medication)

    def test_an_uncoded_allergy_shows_as_typed_until_coded(self):
        self.chart.with_user(self.practitioner).allergies = "Penicillin (rash), salmon"
        session = self._session(protocol=self.protocol_ha)
        as_doctor = session.with_user(self.practitioner)
        self.assertEqual(self.chart.uncoded_allergies, "Penicillin (rash)")
        self.assertIn("Not coded: Penicillin (rash)", as_doctor.chart_uncoded_summary)
        self.assertIn("code it on her chart", as_doctor.chart_uncoded_summary)
        self.assertNotIn("salmon", as_doctor.chart_uncoded_summary)
        # A manager adds it to the list; the practitioner codes it on her chart.
        penicillin = self.env["halley.allergen"].with_user(self.manager).create(
            {"name": "Penicillin", "synonyms": "amoxicillin, Augmentin"}
        )
        self.chart.with_user(self.practitioner).allergen_ids = [Command.link(penicillin.id)]
        self.assertFalse(as_doctor.chart_uncoded_summary)
        # Removing a code the text names asks again.
        self.chart.with_user(self.practitioner).allergen_ids = [Command.unlink(self.fish.id)]
        self.assertEqual(self.chart.uncoded_allergies, "salmon")

    def test_the_flags_follow_the_codes(self):
        chart = self.chart.with_user(self.practitioner)
        chart.allergen_ids = [Command.unlink(self.fish.id)]
        self.assertFalse(chart.salmon_allergy)
        # Ticking the flag (an older client) codes the allergen; it is no second truth.
        chart.salmon_allergy = True
        self.assertEqual(chart.allergen_ids, self.fish)
        chart.anticoagulant = False
        self.assertFalse(chart.medicine_ids, "unticking removes the blood thinners")
        self.assertFalse(chart.anticoagulant)
        chart.anticoagulant = True
        self.assertEqual(chart.medicine_ids, self.unspecified)
        self.assertIn("Not coded: Warfarin 5 mg daily", chart.uncoded_summary)

    def test_screening_pre_answers_come_from_the_codes(self):
        session = self._session(protocol=self.protocol_rejuran)
        self.assertEqual(
            self._answers(session), {self.q_anticoagulant: ("yes", "yes"), self.q_salmon: ("yes", "yes")}
        )
        other = self._session(patient=self.patient_2)
        self.assertEqual(self._answers(other), {self.q_anticoagulant: (False, False), self.q_salmon: (False, False)})
        # Fish oil is a blood-thinning supplement: coded, it answers the anticoagulant question.
        self.chart_2.with_user(self.practitioner).medication = "Fish oil 1 g"
        self.assertEqual(self._answers(other)[self.q_anticoagulant], ("yes", "yes"))
        self.chart_2.with_user(self.practitioner).medicine_ids = [Command.clear()]
        self.assertEqual(self._answers(other)[self.q_anticoagulant], (False, "yes"), "the answer given stays")
        # Isotretinoin answers its own question.
        q_isotretinoin = self.env["halley.screening.question"].create(
            {"name": "T Isotretinoin in the last 6 months?", "severity": "hard_stop", "chart_key": "isotretinoin"}
        )
        self.chart_2.with_user(self.practitioner).medication = "Roaccutane 20 mg"
        self.assertEqual(self._answers(other)[q_isotretinoin], ("yes", "yes"))
        self.assertEqual(self._answers(session).get(q_isotretinoin), (False, False))

    # ------------------------------------------------------------------ checked at Start

    def test_salmon_and_warfarin_stop_rejuran_and_warn(self):
        session = self._booked(self.protocol_rejuran)
        as_doctor = session.with_user(self.practitioner)
        # The banner lists both, and what of the session she is allergic to.
        self.assertEqual(as_doctor.chart_allergen_ids, self.fish)
        self.assertEqual(as_doctor.chart_medicine_ids, self.warfarin)
        self.assertTrue(as_doctor.chart_anticoagulant)
        self.assertIn("T Rejuran vial contains it", as_doctor.allergen_conflict_summary)
        session.screening_ids.filtered(lambda ln: not ln.answer).answer = "no"
        with self.assertRaisesRegex(
            UserError, r"cannot start.*\n- T Patient Grace is allergic to Salmon / fish DNA \(PDRN\): "
            r"T Rejuran vial contains it\.\nReplace the component"
        ):
            as_doctor.action_start()
        self.assertEqual(session.state, "confirmed")
        # Without the vial, her warfarin still stops Start until the warning is acknowledged.
        ha = self._booked(self.protocol_ha)
        self.assertEqual(self._answers(ha), {self.q_anticoagulant: ("yes", "yes")})
        with self.assertRaisesRegex(UserError, "Acknowledge the screening warnings .*\n- T Anticoagulants"):
            ha.with_user(self.practitioner).action_start()
        ha.screening_ids.with_user(self.practitioner).acknowledged = True
        ha.with_user(self.practitioner).action_start()
        self.assertEqual(ha.state, "in_progress")

    def test_lidocaine_needs_the_cream_replaced_with_a_reason(self):
        session = self._booked(self.protocol_ha, patient=self.patient_2)
        session.screening_ids.answer = "no"
        as_doctor = session.with_user(self.practitioner)
        with self.assertRaisesRegex(
            UserError, "T Patient Aisha is allergic to Lidocaine and other local anaesthetics: "
            "T Numbing cream contains it"
        ):
            as_doctor.action_start()
        cream = self.move_of(session, self.numbing)
        with self.assertRaisesRegex(UserError, "Give the reason for replacing T Numbing cream"):
            as_doctor._replace_component(cream, self.gel, "  ")
        lidocaine_gel = self.env["product.product"].create(
            {"name": "T Lidocaine gel", "is_storable": True, "uom_id": self.uom_gram.id, "uom_po_id": self.uom_gram.id,
             "halley_allergen_ids": self.lidocaine.ids}
        )
        with self.assertRaisesRegex(UserError, "allergic to Lidocaine .*: T Lidocaine gel contains it too"):
            as_doctor._replace_component(cream, lidocaine_gel, "Out of the usual cream")
        with self.assertRaisesRegex(UserError, "counted in Units"):
            as_doctor._replace_component(cream, self.needle, "Wrong product")
        # The practitioner swaps the cream in the form, which proposes the cream.
        action = as_doctor.action_replace_component()
        form = Form(self.env[action["res_model"]].with_user(self.practitioner).with_context(**action["context"]))
        self.assertEqual(form.component_id, self.numbing)
        self.assertIn("T Numbing cream contains it", form.allergen_conflict_summary)
        form.product_id = self.gel
        form.reason = "Allergic to lidocaine: cooling gel instead"
        form.save().action_confirm()
        self.assertEqual(cream.product_id, self.gel)
        self.assertFalse(as_doctor.allergen_conflict_summary)
        as_doctor.action_start()
        self.assertEqual(session.state, "in_progress")
        self.assertEqual(self.move_of(session, self.gel).quantity, 5, "the gel is reserved in the room")
        # A difference from the protocol, with its reason: Done asks nothing more.
        self.assertTrue(session.has_deviation)
        self.assertIn("T Numbing cream replaced by T Cooling gel", session.deviation_summary)
        self.assertIn("Allergic to lidocaine: cooling gel instead", as_doctor.deviation_reason)
        self.assertIs(as_doctor.action_done(), True)
        self.assertEqual(session.state, "done")
        self.assertEqual(self.on_hand(self.gel), 55)
        with self.assertRaisesRegex(UserError, "replaced once it is booked and before it starts"):
            as_doctor._replace_component(cream, self.recovery, "Too late")

    def test_who_keeps_the_lists(self):
        Allergen = self.env["halley.allergen"]
        with self.assertRaises(AccessError):
            Allergen.with_user(self.practitioner).create({"name": "T Nickel"})
        with self.assertRaises(AccessError):
            self.env["halley.medicine"].with_user(self.billing).search([])
        self.assertTrue(Allergen.with_user(self.billing).search([("id", "=", self.fish.id)]), "products show it")
        Allergen.with_user(self.manager).create({"name": "T Nickel"})
        other = self._booked(self.protocol_ha, patient=self.patient_2)
        with self.assertRaises(AccessError):
            other.with_user(self.billing)._replace_component(
                self.move_of(other, self.numbing), self.gel, "Billing may not"
            )

    # ------------------------------------------------------------------ upgrade

    def test_the_release_flags_become_coded_entries(self):
        """18.0.1.5.0's migration: a ticked fish allergy codes the fish allergen,
        ticked anticoagulants the medicine her text names, else an unspecified one."""
        patient = self.env["res.partner"].create({"name": "T Patient Mei", "is_patient": True})
        charts = self.env["halley.patient.chart"].create(
            [
                {"patient_id": patient.id, "medication": "Aspirin 100 mg"},
                {"patient_id": self.patient.id, "company_id": self.env["res.company"].create({"name": "T B"}).id},
            ]
        )
        charts.write({"allergen_ids": [Command.clear()], "medicine_ids": [Command.clear()]})
        charts.flush_recordset()
        # As the release left them: flags ticked, nothing coded.
        self.env.cr.execute(
            "UPDATE halley_patient_chart SET salmon_allergy = true, anticoagulant = true WHERE id IN %s",
            [tuple(charts.ids)],
        )
        self.env.invalidate_all()
        spec = importlib.util.spec_from_file_location("post_allergy", MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        aspirin, other = charts
        self.assertEqual(aspirin.allergen_ids, self.fish)
        self.assertEqual(aspirin.medicine_ids, self.env.ref("halley_aesthetics.medicine_aspirin"))
        self.assertEqual(other.medicine_ids, self.unspecified)
        self.assertEqual(aspirin.medication, "Aspirin 100 mg", "the text is kept")
        self.assertEqual((other.salmon_allergy, other.anticoagulant), (True, True))
        self.assertEqual(self.chart.allergen_ids, self.fish, "a chart already coded stays as it was")
