package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** fideslang 1.2.0's categories (fidesops 1.8.2) and today's, and targets that match both spellings. */
class TaxonomyTest {

    private final Taxonomy taxonomy = Taxonomy.load();

    @ParameterizedTest
    @ValueSource(strings = {
        // the 22 fideslang 1.2.0 keys fidesops' datasets use that later versions renamed or dropped
        "user.browsing_history", "user.credentials", "user.credentials.biometric_credentials", "user.credentials.password",
        "user.date_of_birth", "user.financial.account_number", "user.gender", "user.genetic", "user.job_title",
        "user.media_consumption", "user.non_specific_age", "user.observed", "user.organization",
        "user.payment.financial_account_number", "user.political_opinion", "user.profiling", "user.race",
        "user.religious_belief", "user.search_history", "user.sexual_orientation", "user.telemetry", "user.user_sensor",
        // and today's
        "user.authorization.password", "user.demographic.date_of_birth", "user.behavior.browsing_history",
        "user.contact.email", "user.device.cookie", "system.operations"})
    void bothGenerationsOfTheTaxonomyAreKnown(String category) {
        assertTrue(taxonomy.contains(category), category);
    }

    @Test
    void madeUpCategoriesAreNot() {
        assertFalse(taxonomy.contains("user.invalid.category"));
        assertFalse(taxonomy.contains("user.contact.email.extra"));
    }

    @ParameterizedTest
    @CsvSource({
        "user.credentials, user.credentials.password, true",
        "user.authorization, user.credentials.password, true",
        "user.authorization.password, user.credentials.password, true",
        "user.credentials.password, user.authorization.password, true",
        "user.demographic, user.gender, true",
        "user.gender, user.demographic.gender, true",
        "user, user.date_of_birth, true",
        "user.contact, user.contact.email, true",
        "user.contact.email, user.contact, false",
        "user.contact, user.demographic.gender, false",
        "user.financial, user.payment.financial_account_number, true",
        "user.name, user.name_extra, false"})
    void aTargetCoversCategoriesUnderItInEitherSpelling(String target, String category, boolean covered) {
        org.junit.jupiter.api.Assertions.assertEquals(covered, taxonomy.covers(target, category), target + " / " + category);
    }
}
