import sys
def parse(v):
    return int(v)
print("2024-01-01 10:00:00,000 INFO starting", flush=True)
try:
    parse("abc")
except ValueError:
    import traceback
    traceback.print_exc(file=sys.stdout)
print("2024-01-01 10:00:00,200 INFO done", flush=True)
