package io.mailgate.template.language;

import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.github.jknack.handlebars.Options;
import com.ibm.icu.number.IntegerWidth;
import com.ibm.icu.number.LocalizedNumberFormatter;
import com.ibm.icu.number.Notation;
import com.ibm.icu.number.NumberFormatter;
import com.ibm.icu.number.Precision;
import com.ibm.icu.number.Scale;
import com.ibm.icu.text.DateFormat;
import com.ibm.icu.text.DateTimePatternGenerator;
import com.ibm.icu.text.DisplayContext;
import com.ibm.icu.text.RelativeDateTimeFormatter;
import com.ibm.icu.text.SimpleDateFormat;
import com.ibm.icu.util.Currency;
import com.ibm.icu.util.MeasureUnit;
import com.ibm.icu.util.TimeZone;
import com.ibm.icu.util.ULocale;

/**
 * {@code number}, {@code currency}, {@code datetime} and {@code relativetime}: JavaScript's
 * {@code Intl.NumberFormat}, {@code Intl.DateTimeFormat} and {@code Intl.RelativeTimeFormat}, which
 * are ICU, so ICU4J formats as a browser does. The options are Intl's, given as named arguments
 * ({@code {{number @inputs.x maximumFractionDigits=1}}}); the language is the rendering's, the time
 * zone the rendering's unless a {@code timeZone=} option says otherwise.
 */
final class IntlHelpers {

    static final Set<String> NUMBER_OPTIONS = Set.of("style", "currency", "currencyDisplay", "currencySign", "unit",
            "unitDisplay", "minimumIntegerDigits", "minimumFractionDigits", "maximumFractionDigits",
            "minimumSignificantDigits", "maximumSignificantDigits", "notation", "compactDisplay", "signDisplay",
            "useGrouping");
    private static final Set<String> DATE_COMPONENTS = Set.of("weekday", "era", "year", "month", "day", "hour", "minute",
            "second", "fractionalSecondDigits", "timeZoneName");
    static final Set<String> DATE_OPTIONS = Set.of("dateStyle", "timeStyle", "weekday", "era", "year", "month", "day",
            "hour", "minute", "second", "fractionalSecondDigits", "timeZoneName", "hour12", "hourCycle", "timeZone");
    static final Set<String> RELATIVE_OPTIONS = Set.of("range", "style", "numeric");
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Za-z]{3}");
    private static final ULocale CHECK_LOCALE = ULocale.ENGLISH;
    private static final int CACHE_LIMIT = 500;
    /** V8 prints a plain space where CLDR puts U+202F in times ("9:00 PM"), so that pages that parse dates keep working. */
    private static final char NARROW_NO_BREAK_SPACE = '\u202f';
    private static final Map<String, LocalizedNumberFormatter> NUMBER_FORMATTERS = new ConcurrentHashMap<>();
    private static final Map<String, String> DATE_PATTERNS = new ConcurrentHashMap<>();

    private IntlHelpers() {
    }

    static void addTo(HelperCatalog catalog) {
        Signature.Call one = Signature.Call.of(1, 1);
        catalog.add("number", Signature.inlineOnly(one.withOptions(NUMBER_OPTIONS)
                        .checkingLiterals(options -> numberFormatter(options, CHECK_LOCALE, false))),
                (context, options) -> numberFormatter(options.hash, locale(options), false)
                        .format(JsValues.toNumber(context)).toString());
        Set<String> currencyOptions = new java.util.HashSet<>(NUMBER_OPTIONS);
        currencyOptions.remove("style");
        catalog.add("currency", Signature.inlineOnly(one.withOptions(Set.copyOf(currencyOptions)).requiring(Set.of("currency"))
                        .checkingLiterals(options -> numberFormatter(options, CHECK_LOCALE, true))),
                (context, options) -> numberFormatter(options.hash, locale(options), true)
                        .format(JsValues.toNumber(context)).toString());
        catalog.add("datetime", Signature.inlineOnly(one.withOptions(DATE_OPTIONS)
                        .checkingLiterals(options -> dateFormat(options, CHECK_LOCALE, "UTC"))),
                (context, options) -> dateFormat(options.hash, locale(options), options.data(TemplateData.TIME_ZONE))
                        .format(date(context)).replace(NARROW_NO_BREAK_SPACE, ' '));
        catalog.add("relativetime", Signature.inlineOnly(one.withOptions(RELATIVE_OPTIONS).requiring(Set.of("range"))
                        .checkingLiterals(options -> relativeUnit(options))),
                (context, options) -> relativeTime(JsValues.toNumber(context), options.hash, locale(options)));
    }

    static ULocale locale(Options options) {
        String language = options.data(TemplateData.LANGUAGE);
        return ULocale.forLanguageTag(language == null ? "en" : language.toLowerCase(java.util.Locale.ROOT));
    }

    // ---- Intl.NumberFormat

    static LocalizedNumberFormatter numberFormatter(Map<String, Object> options, ULocale locale, boolean currencyHelper) {
        String key = locale + "|" + currencyHelper + "|" + new java.util.TreeMap<>(options);
        LocalizedNumberFormatter cached = NUMBER_FORMATTERS.get(key);
        if (cached != null) {
            return cached;
        }
        LocalizedNumberFormatter formatter = buildNumberFormatter(options, locale, currencyHelper);
        if (NUMBER_FORMATTERS.size() >= CACHE_LIMIT) {
            NUMBER_FORMATTERS.clear();
        }
        NUMBER_FORMATTERS.put(key, formatter);
        return formatter;
    }

    private static LocalizedNumberFormatter buildNumberFormatter(Map<String, Object> options, ULocale locale,
                                                                boolean currencyHelper) {
        String style = currencyHelper ? "currency" : text(options, "style", List.of("decimal", "percent", "currency", "unit"), "decimal");
        LocalizedNumberFormatter formatter = NumberFormatter.withLocale(locale).roundingMode(RoundingMode.HALF_UP);
        int defaultMinFraction = 0;
        int defaultMaxFraction = 3;
        boolean accounting = "accounting".equals(text(options, "currencySign", List.of("standard", "accounting"), "standard"));
        switch (style) {
            case "percent" -> {
                formatter = formatter.unit(MeasureUnit.PERCENT).scale(Scale.powerOfTen(2));
                defaultMaxFraction = 0;
            }
            case "currency" -> {
                Object code = options.get("currency");
                if (code == null || !CURRENCY_CODE.matcher(String.valueOf(code)).matches()) {
                    throw new IllegalArgumentException("currency must be a three-letter ISO 4217 code such as EUR");
                }
                Currency currency = Currency.getInstance(String.valueOf(code).toUpperCase(java.util.Locale.ROOT));
                formatter = formatter.unit(currency).unitWidth(switch (text(options, "currencyDisplay",
                        List.of("symbol", "narrowSymbol", "code", "name"), "symbol")) {
                    case "narrowSymbol" -> NumberFormatter.UnitWidth.NARROW;
                    case "code" -> NumberFormatter.UnitWidth.ISO_CODE;
                    case "name" -> NumberFormatter.UnitWidth.FULL_NAME;
                    default -> NumberFormatter.UnitWidth.SHORT;
                });
                defaultMinFraction = currency.getDefaultFractionDigits();
                defaultMaxFraction = defaultMinFraction;
            }
            case "unit" -> {
                Object unit = options.get("unit");
                if (unit == null) {
                    throw new IllegalArgumentException("style 'unit' needs a unit option such as unit='kilometer'");
                }
                try {
                    formatter = formatter.unit(MeasureUnit.forIdentifier(String.valueOf(unit)));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("unit '" + unit + "' is not a unit Intl knows");
                }
                formatter = formatter.unitWidth(switch (text(options, "unitDisplay", List.of("short", "long", "narrow"), "short")) {
                    case "long" -> NumberFormatter.UnitWidth.FULL_NAME;
                    case "narrow" -> NumberFormatter.UnitWidth.NARROW;
                    default -> NumberFormatter.UnitWidth.SHORT;
                });
            }
            default -> {
            }
        }
        String notation = text(options, "notation", List.of("standard", "scientific", "engineering", "compact"), "standard");
        formatter = switch (notation) {
            case "scientific" -> formatter.notation(Notation.scientific());
            case "engineering" -> formatter.notation(Notation.engineering());
            case "compact" -> formatter.notation("long".equals(text(options, "compactDisplay", List.of("short", "long"), "short"))
                    ? Notation.compactLong() : Notation.compactShort());
            default -> formatter;
        };
        Integer minSignificant = integer(options, "minimumSignificantDigits", 1, 21);
        Integer maxSignificant = integer(options, "maximumSignificantDigits", 1, 21);
        Integer minFraction = integer(options, "minimumFractionDigits", 0, 100);
        Integer maxFraction = integer(options, "maximumFractionDigits", 0, 100);
        if (minSignificant != null || maxSignificant != null) {
            int min = minSignificant == null ? 1 : minSignificant;
            int max = maxSignificant == null ? 21 : maxSignificant;
            if (min > max) {
                throw new IllegalArgumentException("minimumSignificantDigits is larger than maximumSignificantDigits");
            }
            formatter = formatter.precision(Precision.minMaxSignificantDigits(min, max));
        } else if (minFraction != null || maxFraction != null) {
            int min = minFraction != null ? minFraction : Math.min(defaultMinFraction, maxFraction);
            int max = maxFraction != null ? maxFraction : Math.max(defaultMaxFraction, min);
            if (min > max) {
                throw new IllegalArgumentException("minimumFractionDigits is larger than maximumFractionDigits");
            }
            formatter = formatter.precision(Precision.minMaxFraction(min, max));
        } else if (!"compact".equals(notation)) {
            formatter = formatter.precision(Precision.minMaxFraction(defaultMinFraction, defaultMaxFraction));
        }
        Integer minInteger = integer(options, "minimumIntegerDigits", 1, 21);
        if (minInteger != null) {
            formatter = formatter.integerWidth(IntegerWidth.zeroFillTo(minInteger));
        }
        Object grouping = options.get("useGrouping");
        if (grouping != null) {
            formatter = formatter.grouping(switch (String.valueOf(grouping)) {
                case "false" -> NumberFormatter.GroupingStrategy.OFF;
                case "always" -> NumberFormatter.GroupingStrategy.ON_ALIGNED;
                case "min2" -> NumberFormatter.GroupingStrategy.MIN2;
                case "true", "auto" -> NumberFormatter.GroupingStrategy.AUTO;
                default -> throw new IllegalArgumentException("useGrouping must be true, false, 'always', 'auto' or 'min2'");
            });
        }
        String sign = text(options, "signDisplay", List.of("auto", "always", "exceptZero", "never", "negative"), "auto");
        formatter = formatter.sign(switch (sign) {
            case "always" -> accounting ? NumberFormatter.SignDisplay.ACCOUNTING_ALWAYS : NumberFormatter.SignDisplay.ALWAYS;
            case "exceptZero" -> accounting ? NumberFormatter.SignDisplay.ACCOUNTING_EXCEPT_ZERO
                    : NumberFormatter.SignDisplay.EXCEPT_ZERO;
            case "never" -> NumberFormatter.SignDisplay.NEVER;
            case "negative" -> accounting ? NumberFormatter.SignDisplay.ACCOUNTING_NEGATIVE : NumberFormatter.SignDisplay.NEGATIVE;
            default -> accounting ? NumberFormatter.SignDisplay.ACCOUNTING : NumberFormatter.SignDisplay.AUTO;
        });
        return formatter;
    }

    // ---- Intl.DateTimeFormat

    static DateFormat dateFormat(Map<String, Object> options, ULocale locale, String renderingTimeZone) {
        String zone = options.get("timeZone") != null ? String.valueOf(options.get("timeZone"))
                : renderingTimeZone == null ? "UTC" : renderingTimeZone;
        if (!IntlTimeZones.isKnown(zone)) {
            throw new IllegalArgumentException("timeZone '" + zone + "' is not an IANA time zone");
        }
        String dateStyle = text(options, "dateStyle", List.of("full", "long", "medium", "short"), null);
        String timeStyle = text(options, "timeStyle", List.of("full", "long", "medium", "short"), null);
        boolean components = options.keySet().stream().anyMatch(DATE_COMPONENTS::contains);
        DateFormat format;
        if (dateStyle != null || timeStyle != null) {
            if (components) {
                throw new IllegalArgumentException("dateStyle and timeStyle cannot be combined with weekday, year, month, "
                        + "day, hour, minute, second or timeZoneName");
            }
            format = DateFormat.getDateTimeInstance(style(dateStyle), style(timeStyle), locale);
        } else {
            String skeleton = skeleton(options, components);
            String patternKey = locale + "|" + skeleton;
            String pattern = DATE_PATTERNS.get(patternKey);
            if (pattern == null) {
                pattern = DateTimePatternGenerator.getInstance(locale)
                        .getBestPattern(skeleton, DateTimePatternGenerator.MATCH_HOUR_FIELD_LENGTH);
                if (DATE_PATTERNS.size() >= CACHE_LIMIT) {
                    DATE_PATTERNS.clear();
                }
                DATE_PATTERNS.put(patternKey, pattern);
            }
            format = new SimpleDateFormat(pattern, locale);
        }
        format.setTimeZone(TimeZone.getTimeZone(zone));
        return format;
    }

    private static int style(String style) {
        if (style == null) {
            return DateFormat.NONE;
        }
        return switch (style) {
            case "full" -> DateFormat.FULL;
            case "long" -> DateFormat.LONG;
            case "medium" -> DateFormat.MEDIUM;
            default -> DateFormat.SHORT;
        };
    }

    private static String skeleton(Map<String, Object> options, boolean components) {
        if (!components) {
            return "yMd";
        }
        List<String> widths = List.of("numeric", "2-digit");
        List<String> names = List.of("long", "short", "narrow");
        List<String> months = List.of("numeric", "2-digit", "long", "short", "narrow");
        StringBuilder skeleton = new StringBuilder();
        String era = text(options, "era", names, null);
        if (era != null) {
            skeleton.append(switch (era) {
                case "long" -> "GGGG";
                case "narrow" -> "GGGGG";
                default -> "G";
            });
        }
        String year = text(options, "year", widths, null);
        if (year != null) {
            skeleton.append(year.equals("2-digit") ? "yy" : "y");
        }
        String month = text(options, "month", months, null);
        if (month != null) {
            skeleton.append(switch (month) {
                case "numeric" -> "M";
                case "2-digit" -> "MM";
                case "short" -> "MMM";
                case "long" -> "MMMM";
                default -> "MMMMM";
            });
        }
        String weekday = text(options, "weekday", names, null);
        if (weekday != null) {
            skeleton.append(switch (weekday) {
                case "long" -> "EEEE";
                case "narrow" -> "EEEEE";
                default -> "EEE";
            });
        }
        String day = text(options, "day", widths, null);
        if (day != null) {
            skeleton.append(day.equals("2-digit") ? "dd" : "d");
        }
        String hour = text(options, "hour", widths, null);
        if (hour != null) {
            String letter = hourLetter(options);
            skeleton.append(hour.equals("2-digit") ? letter + letter : letter);
        }
        String minute = text(options, "minute", widths, null);
        if (minute != null) {
            skeleton.append(minute.equals("2-digit") ? "mm" : "m");
        }
        String second = text(options, "second", widths, null);
        if (second != null) {
            skeleton.append(second.equals("2-digit") ? "ss" : "s");
        }
        Integer fraction = integer(options, "fractionalSecondDigits", 1, 3);
        if (fraction != null) {
            skeleton.append("S".repeat(fraction));
        }
        String zoneName = text(options, "timeZoneName",
                List.of("short", "long", "shortOffset", "longOffset", "shortGeneric", "longGeneric"), null);
        if (zoneName != null) {
            skeleton.append(switch (zoneName) {
                case "long" -> "zzzz";
                case "shortOffset" -> "O";
                case "longOffset" -> "OOOO";
                case "shortGeneric" -> "v";
                case "longGeneric" -> "vvvv";
                default -> "z";
            });
        }
        return skeleton.toString();
    }

    private static String hourLetter(Map<String, Object> options) {
        Object hour12 = options.get("hour12");
        if (hour12 != null) {
            return JsValues.truthy(hour12 instanceof String text ? Boolean.valueOf(text) : hour12) ? "h" : "H";
        }
        String cycle = text(options, "hourCycle", List.of("h11", "h12", "h23", "h24"), null);
        if (cycle == null) {
            return "j";
        }
        return switch (cycle) {
            case "h11" -> "K";
            case "h12" -> "h";
            case "h23" -> "H";
            default -> "k";
        };
    }

    /** What {@code new Date(value)} accepts: epoch milliseconds or an ISO 8601 date (UTC unless it says otherwise). */
    static Date date(Object value) {
        if (value instanceof Number number && !Double.isNaN(number.doubleValue()) && !Double.isInfinite(number.doubleValue())) {
            return new Date((long) number.doubleValue());
        }
        if (value instanceof CharSequence text) {
            String iso = text.toString().strip();
            try {
                return Date.from(OffsetDateTime.parse(iso).toInstant());
            } catch (DateTimeParseException notOffset) {
                try {
                    return Date.from(Instant.parse(iso));
                } catch (DateTimeParseException notInstant) {
                    try {
                        return Date.from(LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC));
                    } catch (DateTimeParseException notLocal) {
                        try {
                            return Date.from(LocalDate.parse(iso).atStartOfDay().toInstant(ZoneOffset.UTC));
                        } catch (DateTimeParseException notDate) {
                            // fall through
                        }
                    }
                }
            }
        }
        throw new IllegalArgumentException("datetime needs epoch milliseconds or an ISO 8601 date, not "
                + (value == null ? "nothing" : "'" + JsValues.toText(value) + "'"));
    }

    // ---- Intl.RelativeTimeFormat

    static String relativeTime(double value, Map<String, Object> options, ULocale locale) {
        RelativeDateTimeFormatter.RelativeDateTimeUnit unit = relativeUnit(options);
        RelativeDateTimeFormatter.Style style = switch (text(options, "style", List.of("long", "short", "narrow"), "long")) {
            case "short" -> RelativeDateTimeFormatter.Style.SHORT;
            case "narrow" -> RelativeDateTimeFormatter.Style.NARROW;
            default -> RelativeDateTimeFormatter.Style.LONG;
        };
        boolean auto = "auto".equals(text(options, "numeric", List.of("always", "auto"), "always"));
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("relativetime needs a finite number");
        }
        RelativeDateTimeFormatter formatter = RelativeDateTimeFormatter.getInstance(locale, null, style,
                DisplayContext.CAPITALIZATION_NONE);
        return auto ? formatter.format(value, unit) : formatter.formatNumeric(value, unit);
    }

    private static RelativeDateTimeFormatter.RelativeDateTimeUnit relativeUnit(Map<String, Object> options) {
        Object range = options.get("range");
        String unit = range == null ? "" : String.valueOf(range);
        unit = unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
        return switch (unit) {
            case "year" -> RelativeDateTimeFormatter.RelativeDateTimeUnit.YEAR;
            case "quarter" -> RelativeDateTimeFormatter.RelativeDateTimeUnit.QUARTER;
            case "month" -> RelativeDateTimeFormatter.RelativeDateTimeUnit.MONTH;
            case "week" -> RelativeDateTimeFormatter.RelativeDateTimeUnit.WEEK;
            case "day" -> RelativeDateTimeFormatter.RelativeDateTimeUnit.DAY;
            case "hour" -> RelativeDateTimeFormatter.RelativeDateTimeUnit.HOUR;
            case "minute" -> RelativeDateTimeFormatter.RelativeDateTimeUnit.MINUTE;
            case "second" -> RelativeDateTimeFormatter.RelativeDateTimeUnit.SECOND;
            default -> throw new IllegalArgumentException("range must be one of years, quarters, months, weeks, days, "
                    + "hours, minutes or seconds");
        };
    }

    // ---- option values

    private static String text(Map<String, Object> options, String name, List<String> allowed, String fallback) {
        Object value = options.get(name);
        if (value == null) {
            return fallback;
        }
        String text = String.valueOf(value);
        if (!allowed.contains(text)) {
            throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ", not '" + text + "'");
        }
        return text;
    }

    private static Integer integer(Map<String, Object> options, String name, int min, int max) {
        Object value = options.get(name);
        if (value == null) {
            return null;
        }
        double number = JsValues.toNumber(value);
        if (Double.isNaN(number) || number < min || number > max) {
            throw new IllegalArgumentException(name + " must be a number from " + min + " to " + max);
        }
        return (int) Math.floor(number);
    }
}
