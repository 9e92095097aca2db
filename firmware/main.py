# The board's main loop: serve the USB serial line until Ctrl-C, then leave the outputs safe.
# It runs in main.py itself, and imports the core verbs first, because a micro:bit v1 has
# the most free heap now and too little C stack to compile a module from deep in a call.
import kb_agent  # first: compiling it needs the most free heap
import kb_board
import kb_sys

hal = __import__(kb_board.HAL)
ag = kb_agent.Agent(hal)
ag.event('boot')
# boot hooks {
# Modules deployed with a boot(ag) hook (a stored model, the Wi-Fi link) start now; what a hook
# returns runs every turn of the loop, and a deadman or reset does not stop it. Deploy leaves
# these blocks out where kb_board has no BOOT: on a micro:bit v1 they would cost 224 bytes.
run = [f for f in [__import__(m).boot(ag) for m in getattr(kb_board, 'BOOT', ())] if f]
# }
try:
    while True:
        try:
            d = hal.read()
            if d:
                ag.feed(d)
            else:
                hal.idle(1)
            ag.poll()
            # boot hooks {
            for f in run:
                f()
            # }
        except MemoryError:
            ag.buf = b''
            ag.event('warn E_MEM')
finally:
    ag.safe()
