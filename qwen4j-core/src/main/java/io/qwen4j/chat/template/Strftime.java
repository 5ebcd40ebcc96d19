package io.qwen4j.chat.template;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code datetime.now().strftime(fmt)} in the C locale, for the {@code strftime_now} global. */
final class Strftime {
    private Strftime() {}

    static String format(String fmt, Clock clock) {
        ZonedDateTime t = ZonedDateTime.now(clock);
        var sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            switch (d) {
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> sb.append(pad(t.getYear() % 100, 2));
                case 'm' -> sb.append(pad(t.getMonthValue(), 2));
                case 'd' -> sb.append(pad(t.getDayOfMonth(), 2));
                case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
                case 'H' -> sb.append(pad(t.getHour(), 2));
                case 'I' -> sb.append(pad(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2));
                case 'M' -> sb.append(pad(t.getMinute(), 2));
                case 'S' -> sb.append(pad(t.getSecond(), 2));
                case 'f' -> sb.append(pad(t.getNano() / 1000, 6));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'j' -> sb.append(pad(t.getDayOfYear(), 3));
                case 'w' -> sb.append(t.getDayOfWeek().getValue() % 7);
                case 'u' -> sb.append(t.getDayOfWeek().getValue());
                case 'Z' -> sb.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'z' -> {
                    int s = t.getOffset().getTotalSeconds();
                    sb.append(s < 0 ? '-' : '+').append(pad(Math.abs(s) / 3600, 2)).append(pad(Math.abs(s) / 60 % 60, 2));
                }
                case 'F' -> sb.append(t.getYear()).append('-').append(pad(t.getMonthValue(), 2)).append('-').append(pad(t.getDayOfMonth(), 2));
                case 'T' -> sb.append(pad(t.getHour(), 2)).append(':').append(pad(t.getMinute(), 2)).append(':').append(pad(t.getSecond(), 2));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d);
            }
        }
        return sb.toString();
    }

    private static String pad(int v, int width) {
        String s = Integer.toString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
