# Wi-Fi boards (ESP32 family): the same protocol lines over an MQTT broker, beside the serial line.
# Runs only when deploy wrote kb_net.json (host/kitbridge/deploy/netconfig.py): {"ssid", "password",
# "broker", "port", "user", "broker_password", "keepalive", and optionally "id", "tls"}. The board's
# kind, label and firmware version come from kb_board and kb_agent, so a relabel needs no new file.
# Topics kitbridge/<id>/down (requests in), /up (answers out), /hello (retained; the last will marks it
# offline). Never blocks the main loop for long: Wi-Fi joins in the background; a lost broker is
# retried every RETRY ms.
import json

RETRY = 3000
CFG = 'kb_net.json'


def settings():
    # the deploy-time settings, or None when there are none (a board without Wi-Fi)
    try:
        f = open(CFG)
    except OSError:
        return None
    try:
        return json.loads(f.read())
    finally:
        f.close()


def utf8(s):
    # umqtt.simple sends len(s) as the length: for text that is not ASCII only bytes are right
    return bytes(s, 'utf-8') if isinstance(s, str) else s


def unquote(s):
    # 'Table%207' -> 'Table 7': kb_board.DEV carries the label %XX-escaped (pure ASCII)
    o = bytearray()
    i = 0
    while i < len(s):
        if s[i] == '%':
            o.append(int(s[i + 1:i + 3], 16))
            i += 3
        else:
            o.append(ord(s[i]))
            i += 1
    return str(o, 'utf-8')


class Out:
    # umqtt.simple sends a message in up to four writes; by TCP's Nagle rule all but the first wait
    # for the broker's delayed ACK (~40 ms a message, measured): gathered here, they leave as one
    def __init__(self, s):
        self.s = s
        self.b = b''

    def write(self, d, n=0):
        d = utf8(d)
        self.b += d[:n] if n else d

    def flush(self):
        b = self.b
        if b:
            self.b = b''
            self.s.write(b)

    def read(self, n):
        self.flush()  # a request goes out before its answer is awaited
        return self.s.read(n)

    def __getattr__(self, name):
        return getattr(self.s, name)  # setblocking, close, and whatever another umqtt.simple uses


def close(c):
    # without DISCONNECT, so the broker sends the last will
    if c:
        try:
            c.sock.close()
        except Exception:
            pass


class Net:
    def __init__(self, ag, hal, cfg, mqtt, wlan):
        self.ag = ag
        self.h = hal
        self.cfg = cfg
        self.M = mqtt
        self.w = wlan
        self.id = cfg.get('id') or hal.uid
        self.t = 'kitbridge/' + self.id + '/'
        self.dn = bytes(self.t + 'down', 'utf-8')
        self.c = None
        self.src = 0  # 1 while feeding a line that came from the broker: its answers go back there only
        self.ka = int(cfg.get('keepalive', 30))
        self.last = self.tried = hal.ticks()
        self.tried -= RETRY
        self.ser = hal.write
        hal.write = self.write  # the agent's output goes through here from now on
        if not wlan.isconnected():
            wlan.active(True)
            wlan.connect(cfg['ssid'], cfg.get('password', ''))

    def hello(self, on):
        import kb_agent
        import kb_board
        d = kb_board.DEV
        i = d.find(' label=')
        return utf8(json.dumps({'online': on, 'kind': kb_board.KIND, 'uid': self.h.uid,
                                'label': unquote(d[i + 7:]) if i >= 0 else '', 'fw': kb_agent.FW}))

    def write(self, t):
        # answers to broker requests go to the broker only; events and others to both
        if self.src != 1:
            self.ser(t)
        if self.c:
            try:
                self.c.publish(self.t + 'up', utf8(t))
                self.c.sock.flush()
            except Exception:
                self.drop()

    def got(self, topic, msg):
        # a board obeys only its own down topic
        if topic != self.dn:
            return
        self.src = 1
        try:
            self.ag.feed(msg)
        finally:
            self.src = 0

    def drop(self):
        c = self.c
        self.c = None
        close(c)

    def client(self):
        cfg = self.cfg
        user = cfg.get('user') or None
        pw = cfg.get('broker_password') or ''
        a = (utf8('kb-board-' + self.id), cfg['broker'], int(cfg.get('port', 1883)),
             user and utf8(user), user and utf8(pw), self.ka)
        if not cfg.get('tls'):
            return self.M(*a)
        # TLS encrypts; without a CA on the board it cannot check the broker's certificate
        try:
            return self.M(*a, ssl=True, ssl_params={'server_hostname': cfg['broker']})  # umqtt.simple <= 1.3
        except TypeError:
            import ssl  # umqtt.simple 1.4 on takes an SSLContext
            x = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            x.verify_mode = ssl.CERT_NONE
            return self.M(*a, ssl=x)

    def join(self):
        c = self.client()
        try:
            c.set_last_will(self.t + 'hello', self.hello(False), True, 1)
            c.set_callback(self.got)
            c.connect()
            c.sock = Out(c.sock)
            c.subscribe(self.t + 'down')
            # QoS 0: some umqtt.simple releases fail every QoS 1 publish; retained, it is there for all
            c.publish(self.t + 'hello', self.hello(True), True)
            c.sock.flush()
        except Exception:
            close(c)
            raise
        return c

    def poll(self):
        h = self.h
        t = h.ticks()
        if not self.c:
            if h.diff(t, self.tried) < RETRY or not self.w.isconnected():
                return
            self.tried = self.last = t
            try:
                self.c = self.join()
            except Exception:  # OSError, or umqtt's MQTTException (login refused) and asserts
                pass
            return
        try:
            self.c.check_msg()
            if h.diff(t, self.last) > self.ka * 500:
                self.last = t
                self.c.ping()
                self.c.sock.flush()
        except Exception:
            self.drop()


def start(ag, hal):
    # -> a running Net, or None when this board has no Wi-Fi settings
    cfg = settings()
    if cfg is None:
        return None
    import network
    from umqtt.simple import MQTTClient
    return Net(ag, hal, cfg, MQTTClient, network.WLAN(network.STA_IF))


def boot(ag):
    # for main.py at power-on: the broker link when deploy wrote Wi-Fi settings, polled every turn
    n = start(ag, ag.h)
    return n and n.poll
