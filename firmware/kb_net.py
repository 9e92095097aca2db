# Wi-Fi boards (ESP32 family): the same protocol lines over an MQTT broker, beside the serial line.
# Runs only when deploy wrote kb_net.json: {"ssid", "password", "broker", "port", "user",
# "broker_password", "id", "label", "keepalive", "fw"}. Topics kitbridge/<id>/down (requests in),
# /up (answers out), /hello (retained; the last will marks it offline). Never blocks the main
# loop for long: Wi-Fi joins in the background; a lost broker is retried every RETRY ms.
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
        return bytes(json.dumps({'online': on, 'kind': self.cfg.get('kind', ''), 'uid': self.h.uid,
                           'label': self.cfg.get('label', ''), 'fw': self.cfg.get('fw', '')}), 'utf-8')

    def write(self, t):
        # answers to broker requests go to the broker only; events and others to both
        if self.src != 1:
            self.ser(t)
        if self.c and self.src != 2:
            try:
                self.c.publish(self.t + 'up', t)
            except OSError:
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
        if c:
            try:
                c.sock.close()
            except Exception:
                pass

    def join(self):
        cfg = self.cfg
        c = self.M(bytes('kb-board-' + self.id, 'utf-8'), cfg['broker'], int(cfg.get('port', 1883)),
                   cfg.get('user') or None, cfg.get('broker_password') or None, self.ka)
        c.set_last_will(self.t + 'hello', self.hello(False), True, 1)
        c.set_callback(self.got)
        c.connect()
        c.subscribe(self.t + 'down')
        c.publish(self.t + 'hello', self.hello(True), True, 1)
        self.c = c

    def poll(self):
        h = self.h
        t = h.ticks()
        if not self.c:
            if h.diff(t, self.tried) < RETRY or not self.w.isconnected():
                return
            self.tried = t
            try:
                self.join()
                self.last = t
            except OSError:
                self.drop()
            return
        try:
            self.c.check_msg()
            if h.diff(t, self.last) > self.ka * 500:
                self.last = t
                self.c.ping()
        except OSError:
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
