public class Boom {
    static void load(String p) { throw new IllegalStateException("config missing: " + p); }
    static void start() {
        try { load("/etc/app.conf"); }
        catch (IllegalStateException e) { throw new RuntimeException("startup failed", e); }
    }
    public static void main(String[] a) {
        System.out.println("2024-01-01 10:00:00.000 INFO starting app");
        try { start(); } catch (RuntimeException e) {
            System.out.println("2024-01-01 10:00:00.100 ERROR startup failed");
            e.printStackTrace(System.out);
        }
        System.out.println("2024-01-01 10:00:00.200 INFO shutting down");
    }
}
